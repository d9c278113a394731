# roadmap 4.4.2: sinusoidal positional encoding, plotted and its properties checked
import math

import matplotlib.pyplot as plt
import torch
import torch.nn as nn

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


class PositionalEncoding(nn.Module):
    def __init__(self, d_model, max_len=5000):
        super(PositionalEncoding, self).__init__()

        pe = torch.zeros(max_len, d_model)
        position = torch.arange(0, max_len, dtype=torch.float).unsqueeze(1)
        # 1 / 10000^(2i / d_model), computed in log space for accuracy
        div_term = torch.exp(torch.arange(0, d_model, 2).float() * (-math.log(10000.0) / d_model))

        pe[:, 0::2] = torch.sin(position * div_term)  # even dimensions
        pe[:, 1::2] = torch.cos(position * div_term)  # odd dimensions
        pe = pe.unsqueeze(0)  # (1, max_len, d_model): broadcasts over the batch

        # A buffer: moves with .to(device) and is saved in state_dict, but is not trained
        self.register_buffer('pe', pe)

    def forward(self, x):
        x = x + self.pe[:, :x.size(1), :]
        return x


d_model = 64
pos_encoding = PositionalEncoding(d_model, max_len=100).to(device)
pe = pos_encoding.pe[0].cpu()  # (max_len, d_model)

x = torch.randn(2, 30, d_model, device=device)
out = pos_encoding(x)
assert out.shape == x.shape
torch.testing.assert_close(out - x, pos_encoding.pe[:, :30].expand(2, -1, -1))  # same code for every sequence
assert "pe" in pos_encoding.state_dict() and len(list(pos_encoding.parameters())) == 0

positions = torch.arange(100, dtype=torch.float)
# Dimension pair 0 has frequency 1: PE[pos, 0] = sin(pos), PE[pos, 1] = cos(pos)
torch.testing.assert_close(pe[:, 0], torch.sin(positions))
torch.testing.assert_close(pe[:, 1], torch.cos(positions))
# Every (sin, cos) pair lies on the unit circle, so all values are in [-1, 1]
torch.testing.assert_close(pe[:, 0::2] ** 2 + pe[:, 1::2] ** 2, torch.ones(100, d_model // 2))
# Relative positions are linear: PE[pos + k] is PE[pos] rotated by an angle that depends only on k
k = 5
frequencies = torch.exp(torch.arange(0, d_model, 2).float() * (-math.log(10000.0) / d_model))
cos_k, sin_k = torch.cos(k * frequencies), torch.sin(k * frequencies)
sin_pos, cos_pos = pe[:-k, 0::2], pe[:-k, 1::2]
torch.testing.assert_close(pe[k:, 0::2], sin_pos * cos_k + cos_pos * sin_k, atol=1e-4, rtol=1e-4)  # sin(a+b)
torch.testing.assert_close(pe[k:, 1::2], cos_pos * cos_k - sin_pos * sin_k, atol=1e-4, rtol=1e-4)  # cos(a+b)
# Nearby positions get similar codes, distant ones less similar
similarity = pe @ pe[10] / d_model
assert similarity[11] > similarity[20] > similarity[60]
print(f"pe buffer {tuple(pos_encoding.pe.shape)}, values in [{pe.min().item():.2f}, {pe.max().item():.2f}]")
print("checked: PE[pos,0] = sin(pos), PE[pos,1] = cos(pos), sin^2 + cos^2 = 1, PE[pos+5] = rotation of PE[pos]")
print(f"similarity to position 10:  pos 11 {similarity[11]:.2f}   pos 20 {similarity[20]:.2f}   pos 60 {similarity[60]:.2f}")

fig, (ax_map, ax_lines) = plt.subplots(1, 2, figsize=(11, 4))
image = ax_map.imshow(pe.T, aspect="auto", cmap="RdBu", origin="lower")
ax_map.set(title="Positional encoding", xlabel="position", ylabel="dimension")
fig.colorbar(image, ax=ax_map)
for dim in (0, 2, 10, 30):
    ax_lines.plot(positions, pe[:, dim], label=f"dimension {dim}")
ax_lines.set(title="Lower dimensions oscillate faster", xlabel="position", ylabel="value")
ax_lines.legend(loc="lower right")
fig.tight_layout()
plt.show()
