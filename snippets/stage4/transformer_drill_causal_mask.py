# exercise added by this site (lesson 4.4): find the bug: a "language model" without a causal mask sees the future
import torch
import torch.nn as nn

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
layer = nn.TransformerEncoderLayer(d_model=16, nhead=2, dim_feedforward=32, dropout=0.0, batch_first=True).to(device).eval()
tokens = torch.randn(1, 6, 16, device=device)
changed = tokens.clone()
changed[:, 4:] = torch.randn(1, 2, 16, device=device)  # change only the last two tokens (the "future")
causal = nn.Transformer.generate_square_subsequent_mask(6, device=device)  # -inf above the diagonal


def prefix_change(mask):
    """How much the outputs at positions 0..3 move when only positions 4 and 5 change."""
    with torch.no_grad():
        return (layer(tokens, src_mask=mask) - layer(changed, src_mask=mask))[:, :4].abs().max().item()


buggy, fixed = prefix_change(None), prefix_change(causal)
print(causal.cpu())
print(f"without a mask, positions 0-3 change by up to {buggy:.3f}: they read tokens 4 and 5")
print(f"with the causal mask, they change by {fixed:.1e}")
assert buggy > 0.01  # the bug: predictions for early positions depend on later tokens
assert fixed < 1e-5  # the fix: position t attends only to positions <= t
