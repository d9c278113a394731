# exercise added by this site (lesson 5.2): prove a causal mask works - later tokens cannot change earlier outputs
import matplotlib.pyplot as plt
import torch
import torch.nn as nn

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

T, d_model = 10, 32
layer = nn.TransformerEncoderLayer(d_model, nhead=4, dim_feedforward=64, dropout=0.0, batch_first=True).to(device).eval()
causal = nn.Transformer.generate_square_subsequent_mask(T, device=device)  # -inf above the diagonal
print(causal[:4, :4])

x = torch.randn(1, T, d_model, device=device)
changed = x.clone()
changed[:, 6:] = torch.randn(1, T - 6, d_model, device=device)  # change tokens 6..9 only

with torch.no_grad():
    masked = layer(x, src_mask=causal, is_causal=True)
    masked_changed = layer(changed, src_mask=causal, is_causal=True)
    unmasked = layer(x)
    unmasked_changed = layer(changed)

masked_diff = (masked - masked_changed).abs().amax(dim=(0, 2))    # per position
unmasked_diff = (unmasked - unmasked_changed).abs().amax(dim=(0, 2))
print("with the mask, change at positions 0-5:   ", [f"{v:.1e}" for v in masked_diff[:6].tolist()])
print("without the mask, change at positions 0-5:", [f"{v:.2f}" for v in unmasked_diff[:6].tolist()])
assert masked_diff[:6].max() < 1e-5        # positions 0..5 did not see the future
assert masked_diff[6:].min() > 1e-3        # positions 6..9 did change, of course
assert unmasked_diff[:6].min() > 1e-3      # without the mask, every position peeks ahead

# What the mask does inside attention: the weights of row t (a query) over the keys 0..T-1.
with torch.no_grad():
    _, weights_masked = layer.self_attn(x, x, x, attn_mask=causal, need_weights=True)
    _, weights_full = layer.self_attn(x, x, x, need_weights=True)
assert torch.all(weights_masked[0].triu(1) == 0)                     # no weight on any later position
torch.testing.assert_close(weights_masked[0].sum(-1), torch.ones(T, device=device))  # each row still sums to 1

fig, axes = plt.subplots(1, 2, figsize=(8, 3.8))
for ax, weights, title in [(axes[0], weights_full, "no mask: every token sees all"),
                           (axes[1], weights_masked, "causal mask: only the past")]:
    image = ax.imshow(weights[0].cpu(), cmap="viridis", vmin=0)
    ax.set_title(title)
    ax.set_xlabel("key position (attended to)")
    ax.set_ylabel("query position")
fig.colorbar(image, ax=axes, shrink=0.8, label="attention weight")
fig.suptitle("Attention weights of one layer (averaged over its 4 heads)")
plt.show()
