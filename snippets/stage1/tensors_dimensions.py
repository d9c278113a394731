# A picture of tensors with 0, 1, 2 and 4 dimensions, drawn from real tensors and their shapes
import matplotlib.pyplot as plt
import torch

torch.manual_seed(0)
scalar = torch.tensor(7)                          # 0 dimensions: shape ()
vector = torch.arange(4)                          # 1 dimension:  shape (4,)
matrix = torch.arange(12).reshape(3, 4)           # 2 dimensions: shape (3, 4)
images = torch.randint(0, 10, (2, 3, 4, 4))       # 4 dimensions: (batch, channels, height, width)
for name, t in [("scalar", scalar), ("vector", vector), ("matrix", matrix), ("batch of images", images)]:
    print(f"{name:16} ndim={t.ndim}  shape={tuple(t.shape)}  numel={t.numel()}")
assert [t.ndim for t in (scalar, vector, matrix, images)] == [0, 1, 2, 4]
assert images.numel() == 2 * 3 * 4 * 4 and images[1, 2].shape == (4, 4)  # one channel of one image


def draw_grid(ax, values, x0, y0, color, size=1.0, labels=True):
    """Draw a 2-D tensor as a grid of labelled cells with its top-left corner at (x0, y0)."""
    rows, cols = values.shape
    for i in range(rows):
        for j in range(cols):
            ax.add_patch(plt.Rectangle((x0 + j * size, y0 - (i + 1) * size), size, size,
                                       facecolor=color, edgecolor="black", linewidth=0.8))
            if labels:
                ax.text(x0 + (j + 0.5) * size, y0 - (i + 0.5) * size, str(values[i, j].item()),
                        ha="center", va="center", fontsize=7)


fig, axes = plt.subplots(1, 4, figsize=(12, 3.0), gridspec_kw={"width_ratios": [1, 2.2, 2.2, 4]})
panels = [(scalar.reshape(1, 1), "scalar\nshape ()"), (vector.reshape(1, -1), "vector\nshape (4,)"),
          (matrix, "matrix\nshape (3, 4)")]
for ax, (values, title) in zip(axes, panels):
    draw_grid(ax, values, 0, values.shape[0], "#cfe2f3")
    ax.set_xlim(-0.2, values.shape[1] + 0.2)
    ax.set_ylim(-0.2, 4.6)
    ax.set_title(title, fontsize=10)
# The 4-D batch: each image is a stack of 3 channel grids, drawn offset; only the front one is labelled
channel_colors = ["#f4cccc", "#d9ead3", "#cfe2f3"]
ax = axes[3]
for b in range(2):
    for c in reversed(range(3)):
        draw_grid(ax, images[b, c], b * 6.5 + c * 0.6, 4.6 - c * 0.6 + 0.6, channel_colors[c],
                  labels=(c == 0))
    ax.text(b * 6.5 + 2.6, -1.3, f"image {b}: 3 channels of 4x4", ha="center", fontsize=8)
ax.set_xlim(-0.2, 13.6)
ax.set_ylim(-1.8, 5.4)
ax.set_title("batch of images\nshape (2, 3, 4, 4) = (batch, channels, height, width)", fontsize=10)
for ax in axes:
    ax.set_aspect("equal")
    ax.axis("off")
fig.suptitle("Tensors of 0, 1, 2 and 4 dimensions")
plt.tight_layout()
plt.show()
