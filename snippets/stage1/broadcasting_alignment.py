# Broadcasting aligns shapes from the right: a picture of three cases, computed by torch.broadcast_shapes
import matplotlib.pyplot as plt
import torch

cases = [((32, 3, 224, 224), (3, 1, 1)), ((8, 10, 10), (10, 10)), ((5, 1, 4), (3, 1))]
fig, axes = plt.subplots(len(cases), 1, figsize=(7, 1.45 * len(cases)))
for ax, (a, b) in zip(axes, cases):
    result = tuple(torch.broadcast_shapes(a, b))
    ndim = len(result)
    # Rule 1: missing leading dimensions count as size 1 (drawn as empty, dashed cells)
    rows = [("a", (None,) * (ndim - len(a)) + a), ("b", (None,) * (ndim - len(b)) + b), ("result", result)]
    for r, (name, shape) in enumerate(rows):
        y = len(rows) - 1 - r
        ax.text(-0.3, y + 0.5, name, ha="right", va="center", fontsize=9)
        for d, size in enumerate(shape):
            stretched = name != "result" and (size is None or size == 1) and result[d] != 1
            color = "#fce5cd" if stretched else ("#d9ead3" if name == "result" else "#cfe2f3")
            ax.add_patch(plt.Rectangle((d, y), 0.95, 0.9, facecolor=color, edgecolor="black",
                                       linestyle="--" if size is None else "-"))
            label = "(1)" if size is None else str(size)
            ax.text(d + 0.475, y + 0.45, label, ha="center", va="center", fontsize=9)
    ax.set_xlim(-1.6, 4.2)
    ax.set_ylim(-0.1, 3.0)
    ax.axis("off")
    ax.set_title(f"{a} with {b} -> {result}", fontsize=9)
    # Checks: every result size is the larger of the two sizes, aligned from the right
    padded_a = (1,) * (ndim - len(a)) + a
    padded_b = (1,) * (ndim - len(b)) + b
    assert result == tuple(max(x, y) for x, y in zip(padded_a, padded_b))
    assert (torch.zeros(a) + torch.zeros(b)).shape == result
    print(f"{str(a):18} + {str(b):10} -> {result}")
fig.suptitle("Shapes are aligned from the right; orange dimensions are stretched (size 1 or missing)",
             fontsize=10)
plt.tight_layout()
plt.show()
