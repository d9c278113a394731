# roadmap 1.4: the three broadcasting rules, written out and checked against PyTorch
import matplotlib.pyplot as plt
import torch


def broadcast_shape(shape_a, shape_b):
    """The result shape of broadcasting two shapes, following the three rules."""
    # Rule 1: pad the shorter shape with 1s on the left.
    ndim = max(len(shape_a), len(shape_b))
    a = (1,) * (ndim - len(shape_a)) + tuple(shape_a)
    b = (1,) * (ndim - len(shape_b)) + tuple(shape_b)
    result = []
    for size_a, size_b in zip(a, b):
        # Rule 2: sizes are compatible when equal or when one of them is 1.
        if size_a != size_b and 1 not in (size_a, size_b):
            raise ValueError(f"cannot broadcast {tuple(shape_a)} with {tuple(shape_b)}")
        result.append(max(size_a, size_b))
    # Rule 3: every dimension compatible, so the shapes broadcast.
    return tuple(result)


cases = [((3,), ()), ((3, 1), (1, 4)), ((32, 3, 224, 224), (1, 3, 1, 1)), ((8, 10, 10), (10, 10)),
         ((5, 1, 4), (3, 1)), ((2, 3), (3, 2)), ((4,), (5,))]
for a, b in cases:
    try:
        ours = broadcast_shape(a, b)
    except ValueError:
        ours = "error"
    try:
        torchs = tuple(torch.broadcast_shapes(a, b))
    except RuntimeError:
        torchs = "error"
    print(f"{str(a):18} with {str(b):14} -> {str(ours):18} torch: {torchs}")
    assert ours == torchs

# A picture of rule 2: a (3, 1) column and a (1, 4) row are both stretched to (3, 4).
column = torch.tensor([[0.0], [10.0], [20.0]])
row = torch.tensor([[1.0, 2.0, 3.0, 4.0]])
panels = [(column, "column (3, 1)"), (row, "row (1, 4)"),
          (column.expand(3, 4), "column stretched"), (row.expand(3, 4), "row stretched"),
          (column + row, "sum (3, 4)")]
fig, axes = plt.subplots(1, 5, figsize=(13, 2.8))
for axis, (values, title) in zip(axes, panels):
    axis.imshow(values, cmap="Blues", vmin=-5, vmax=30)
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            axis.text(j, i, f"{values[i, j]:g}", ha="center", va="center")
    axis.set_title(title)
    axis.set_xticks([])
    axis.set_yticks([])
fig.suptitle("Broadcasting: size-1 dimensions are repeated (without copying memory)")
plt.show()

# "Without copying": expand returns a view whose stride along the stretched dimension is 0.
assert column.expand(3, 4).stride() == (1, 0)
