# The matmul shape rule: (n, k) @ (k, m) -> (n, m); the error when the inner sizes differ, and the fix
import matplotlib.pyplot as plt
import torch

torch.manual_seed(0)

# The rule: the inner sizes must match (they are summed over); the outer sizes give the result
A = torch.randn(3, 4)
B = torch.randn(4, 2)
print("(3, 4) @ (4, 2) ->", tuple((A @ B).shape))
assert (A @ B).shape == (3, 2)

# The error: a batch of 32 samples with 10 features, and weights stored as (out, in) = (5, 10)
x = torch.randn(32, 10)
W = torch.randn(5, 10)
try:
    x @ W
except RuntimeError as error:
    message = str(error)
    print("x @ W:", message)
else:
    raise AssertionError("expected a shape error")
# The message gives both shapes: the inner sizes, 10 and 5, differ
assert message == "mat1 and mat2 shapes cannot be multiplied (32x10 and 5x10)"

# The fix: transpose W so that its inner size (10) faces x's: (32, 10) @ (10, 5) -> (32, 5)
y = x @ W.T
print("x @ W.T ->", tuple(y.shape))
assert y.shape == (32, 5)
torch.testing.assert_close(y[0], torch.stack([x[0].dot(w) for w in W]))  # row 0: one dot product per weight row

# nn.Linear stores its weight as (out, in) and computes x @ W.T: its error shows W.T, (in, out)
layer = torch.nn.Linear(4, 2)
try:
    layer(torch.randn(3, 5))  # 5 features, but the layer expects 4
except RuntimeError as error:
    print("nn.Linear(4, 2) on a (3, 5) input:", error)
    assert str(error) == "mat1 and mat2 shapes cannot be multiplied (3x5 and 4x2)"
else:
    raise AssertionError("expected a shape error")


def draw(ax, x0, rows, cols, color, scale=0.12):
    """A matrix as a rectangle of rows x cols cells, its top-left corner at (x0, 0); returns its right edge."""
    ax.add_patch(plt.Rectangle((x0, -rows * scale), cols * scale, rows * scale, facecolor=color, edgecolor="black"))
    ax.text(x0 + cols * scale / 2, -rows * scale - 0.2, f"{rows} x {cols}", ha="center", va="top", fontsize=9)
    return x0 + cols * scale


cases = [((32, 10), (5, 10)), ((32, 10), (10, 5))]
fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
for ax, (left, right) in zip(axes, cases):
    match = left[1] == right[0]
    inner_color = "darkgreen" if match else "darkred"
    end = draw(ax, 0, *left, "#cfe2f3")
    ax.text(end / 2, 0.15, f"k = {left[1]}", ha="center", va="bottom", fontsize=9, color=inner_color)
    ax.text(end + 0.35, -1.9, "@", fontsize=14, ha="center", va="center")
    start = end + 0.7
    end = draw(ax, start, *right, "#fff2cc")
    ax.text(start - 0.08, -right[0] * 0.12 / 2, f"k = {right[0]}", ha="right", va="center", fontsize=9,
            color=inner_color, rotation=90)
    ax.text(end + 0.35, -1.9, "=", fontsize=14, ha="center", va="center")
    if match:
        draw(ax, end + 0.7, left[0], right[1], "#d9ead3")
        assert (torch.randn(*left) @ torch.randn(*right)).shape == (left[0], right[1])
        title = f"x @ W.T: inner sizes {left[1]} and {right[0]} match -> {(left[0], right[1])}"
    else:
        ax.text(end + 1.2, -1.9, "RuntimeError", fontsize=10, color="darkred", ha="left", va="center")
        title = f"x @ W: inner sizes {left[1]} and {right[0]} differ -> RuntimeError"
    ax.set_title(title, fontsize=9, color=inner_color)
    ax.set_xlim(-0.3, 4.6)
    ax.set_ylim(-4.6, 0.7)
    ax.set_aspect("equal")
    ax.axis("off")
fig.suptitle("(n, k) @ (k, m) -> (n, m): the inner sizes must match, the outer sizes give the result")
plt.tight_layout()
plt.show()
