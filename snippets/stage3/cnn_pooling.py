# Max pooling and average pooling on a real digit, computed by hand and checked against PyTorch
import matplotlib.pyplot as plt
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits

torch.manual_seed(0)

image = torch.tensor(load_digits().images[3], dtype=torch.float32)   # one real 8x8 digit (a 3), values 0..16

# 2x2 windows with stride 2 do not overlap: cut the 8x8 image into a 4x4 grid of 2x2 blocks.
blocks = image.view(4, 2, 4, 2).permute(0, 2, 1, 3).reshape(4, 4, 4)  # (row block, col block, 4 values)
max_by_hand, avg_by_hand = blocks.amax(dim=2), blocks.mean(dim=2)
max_builtin = F.max_pool2d(image.view(1, 1, 8, 8), kernel_size=2)[0, 0]
avg_builtin = F.avg_pool2d(image.view(1, 1, 8, 8), kernel_size=2)[0, 0]
assert torch.equal(max_by_hand, max_builtin) and torch.allclose(avg_by_hand, avg_builtin)
print("max pool by hand == F.max_pool2d, average pool by hand == F.avg_pool2d")

# Pooling has no weights: nothing to learn, it only summarizes each window.
assert sum(p.numel() for p in nn.MaxPool2d(2).parameters()) == 0

def show(ax, values, title, fmt):
    ax.imshow(values, cmap="Greys", vmin=0, vmax=16)
    for r in range(values.shape[0]):
        for c in range(values.shape[1]):
            ax.text(c, r, format(values[r, c].item(), fmt), ha="center", va="center", fontsize=7,
                    color="white" if values[r, c] > 10 else "black")
    ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])


fig, axes = plt.subplots(1, 3, figsize=(9, 3.4))
show(axes[0], image, "8×8 input, 2×2 windows", ".0f")
for k in range(1, 4):  # draw the window borders
    axes[0].axhline(2 * k - 0.5, color="tab:red", linewidth=1)
    axes[0].axvline(2 * k - 0.5, color="tab:red", linewidth=1)
show(axes[1], max_builtin, "max pool: 4×4", ".0f")
show(axes[2], avg_builtin, "average pool: 4×4", ".1f")
fig.suptitle("Pooling with a 2×2 window and stride 2: one number per window", fontsize=10)
plt.tight_layout()
plt.show()
