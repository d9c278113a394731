# How a 3x3 kernel slides over a padded input with stride 2, computed by hand and checked against F.conv2d
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

torch.manual_seed(0)

image = torch.arange(1.0, 26.0).view(5, 5)          # a 5x5 input with easy-to-follow values 1..25
kernel = torch.tensor([[0.0, 1.0, 0.0],
                       [1.0, -4.0, 1.0],
                       [0.0, 1.0, 0.0]])             # a Laplacian: responds to changes, 0 on flat areas
stride, padding = 2, 1

padded = F.pad(image, (padding, padding, padding, padding))   # 7x7: one ring of zeros
n_out = (5 + 2 * padding - 3) // stride + 1                   # (5 + 2 - 3) // 2 + 1 = 3
by_hand = torch.zeros(n_out, n_out)
for i in range(n_out):
    for j in range(n_out):
        window = padded[i * stride:i * stride + 3, j * stride:j * stride + 3]
        by_hand[i, j] = (window * kernel).sum()      # multiply element-wise, then add up

# PyTorch's convolution (really a cross-correlation, as above: the kernel is not flipped).
builtin = F.conv2d(image.view(1, 1, 5, 5), kernel.view(1, 1, 3, 3), stride=stride, padding=padding)[0, 0]
print("output computed by hand:\n", by_hand)
assert n_out == 3 and torch.equal(by_hand, builtin)
print("F.conv2d gives the same 3x3 output")

# Draw the first three window positions (top row of the output) on the padded input.
fig, axes = plt.subplots(1, 4, figsize=(9, 2.8))
for k, ax in enumerate(axes[:3]):
    ax.imshow(padded, cmap="Blues", vmin=0, vmax=40)
    for (r, c), v in zip(torch.cartesian_prod(torch.arange(7), torch.arange(7)).tolist(), padded.flatten().tolist()):
        ax.text(c, r, f"{v:.0f}", ha="center", va="center", fontsize=7, color="0.5" if v == 0 else "black")
    ax.add_patch(plt.Rectangle((k * stride - 0.5, -0.5), 3, 3, fill=False, edgecolor="tab:red", linewidth=2.5))
    ax.set_title(f"window at output (0, {k})", fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
axes[3].imshow(builtin, cmap="RdBu", vmin=-60, vmax=60)
for (r, c), v in zip(torch.cartesian_prod(torch.arange(3), torch.arange(3)).tolist(), builtin.flatten().tolist()):
    axes[3].text(c, r, f"{v:.0f}", ha="center", va="center", fontsize=9)
axes[3].set_title("3×3 output", fontsize=9)
axes[3].set_xticks([])
axes[3].set_yticks([])
fig.suptitle("A 3×3 kernel sliding with stride 2 over a 5×5 input padded by 1 (zeros in gray)", fontsize=10)
plt.tight_layout()
plt.show()
