# What the causal and padding masks allow, and the attention weights they produce
import math

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

torch.manual_seed(0)
length, d_k = 6, 8
lengths = torch.tensor([6, 4])  # two sequences; the second has 2 padding positions at the end
q, k, v = (torch.randn(2, length, d_k) for _ in range(3))

causal = torch.tril(torch.ones(length, length, dtype=torch.bool))  # True: query i may look at key j <= i
not_padding = torch.arange(length)[None, :] < lengths[:, None]  # (2, 6): True for real tokens
allowed = causal[None] & not_padding[:, None, :]  # (2, 6, 6): both rules at once, per sequence

scores = q @ k.transpose(-2, -1) / math.sqrt(d_k)
weights = scores.masked_fill(~allowed, float("-inf")).softmax(dim=-1)
out = weights @ v

assert torch.all(weights[~allowed] == 0)  # masked positions get exactly zero weight
torch.testing.assert_close(weights.sum(-1), torch.ones(2, length))  # each row is still a distribution
torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v, attn_mask=allowed))  # True = allowed
print("allowed keys per query, sequence 2:", allowed[1].sum(-1).tolist())

figure, axes = plt.subplots(1, 3, figsize=(9, 3.6))
panels = [(causal, "causal mask"), (allowed[1], "causal + padding (sequence 2)"),
          (weights[1], "attention weights (sequence 2)")]
for ax, (matrix, title) in zip(axes, panels):
    ax.imshow(matrix.float(), cmap="Blues", vmin=0, vmax=1)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("key position")
    ax.set_ylabel("query position")
    ax.set_xticks(range(length))
    ax.set_yticks(range(length))
figure.suptitle("Masks decide which keys each query may attend to")
figure.tight_layout()
plt.show()
