# exercise added by this site (lesson 5.2): prove a causal mask works - later tokens cannot change earlier outputs
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
