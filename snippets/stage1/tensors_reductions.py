# Reductions along a dimension: dim says which dimension disappears, keepdim keeps it as size 1
import matplotlib.pyplot as plt
import torch

x = torch.tensor([[1.0, 7.0, 3.0, 4.0],
                  [5.0, 2.0, 8.0, 0.0],
                  [6.0, 9.0, 2.0, 1.0]])

col_sums = x.sum(dim=0)                  # (3, 4) -> (4,): dimension 0 (rows) disappears
row_sums = x.sum(dim=1)                  # (3, 4) -> (3,): dimension 1 (columns) disappears
row_sums_kept = x.sum(dim=1, keepdim=True)  # (3, 4) -> (3, 1): still 2-D
print("sum(dim=0):", col_sums.tolist(), tuple(col_sums.shape))
print("sum(dim=1):", row_sums.tolist(), tuple(row_sums.shape))
print("sum(dim=1, keepdim=True):", tuple(row_sums_kept.shape))
assert col_sums.tolist() == [12.0, 18.0, 13.0, 5.0] and row_sums.tolist() == [15.0, 15.0, 18.0]
assert row_sums_kept.shape == (3, 1)

# keepdim matters when the result is broadcast back: each row divided by its own sum
normalized = x / row_sums_kept           # (3, 4) / (3, 1): one divisor per row
torch.testing.assert_close(normalized.sum(dim=1), torch.ones(3))
try:
    x / row_sums                         # (3, 4) / (3,): aligns with the COLUMNS, and 3 != 4
except RuntimeError:
    print("x / x.sum(dim=1) fails: (3,) aligns with the last dimension (4)")
else:
    raise AssertionError("expected a shape error")

# max and min along a dimension return values AND indices
values, indices = x.max(dim=1)
print("max(dim=1): values", values.tolist(), "indices", indices.tolist())
assert values.tolist() == [7.0, 8.0, 9.0] and indices.tolist() == [1, 2, 1]
# Several dimensions at once: a batch of images (N, C, H, W) -> one mean per channel
images = torch.arange(2 * 3 * 2 * 2, dtype=torch.float32).reshape(2, 3, 2, 2)
channel_means = images.mean(dim=(0, 2, 3))
print("per-channel means of a (2, 3, 2, 2) batch:", channel_means.tolist())
assert channel_means.shape == (3,) and channel_means.tolist() == [7.5, 11.5, 15.5]

fig, axes = plt.subplots(1, 3, figsize=(9, 3), gridspec_kw={"width_ratios": [4, 4, 1.4]})
panels = [(x, "x: shape (3, 4)"), (col_sums.reshape(1, 4), "x.sum(dim=0): shape (4,)\n(the rows collapse)"),
          (row_sums_kept, "x.sum(dim=1,\nkeepdim=True):\nshape (3, 1)")]
for ax, (values, title) in zip(axes, panels):
    ax.imshow(values, cmap="Oranges", vmin=0, vmax=values.max().item() * 1.6)
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            ax.text(j, i, f"{values[i, j]:g}", ha="center", va="center")
    ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
fig.suptitle("Reductions: dim names the dimension that disappears")
plt.tight_layout()
plt.show()
