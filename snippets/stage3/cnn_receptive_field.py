# How the receptive field grows through LeNet-5's layers: by the formula, checked with autograd
import matplotlib.pyplot as plt
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits

torch.manual_seed(0)

# The geometry of the LeNet-5 built in this lesson: (name, kernel, stride, padding).
layers = [("conv1 5×5", 5, 1, 2), ("pool1 2×2", 2, 2, 0), ("conv2 5×5", 5, 1, 0), ("pool2 2×2", 2, 2, 0)]

# r: how many input pixels one unit sees along a side; jump: input pixels between neighboring units.
r, jump, sizes = 1, 1, []
for name, k, s, p in layers:
    r = r + (k - 1) * jump
    jump = jump * s
    sizes.append(r)
    print(f"{name:<10} receptive field {r:>2}×{r:<2} (neighboring units {jump} input pixels apart)")
assert sizes == [5, 6, 14, 16]


# Check with autograd: which input pixels can change one output unit in the middle of each layer's map?
# Which pixels CAN matter depends only on the geometry, so use all-ones weights, no ReLU and average
# pooling (max pooling sends the gradient to one pixel per window and would hide the others).
def geometry_only(upto):
    modules = []
    for name, k, s, p in layers[:upto]:
        if name.startswith("conv"):
            conv = nn.Conv2d(1, 1, k, stride=s, padding=p, bias=False)
            nn.init.ones_(conv.weight)
            modules.append(conv)
        else:
            modules.append(nn.AvgPool2d(k, s))
    return nn.Sequential(*modules)


measured = []
for depth in range(1, len(layers) + 1):
    x = torch.zeros(1, 1, 64, 64, requires_grad=True)  # a large canvas, so no unit touches the border
    out = geometry_only(depth)(x)
    out[0, 0, out.shape[2] // 2, out.shape[3] // 2].backward()
    rows, cols = torch.nonzero(x.grad[0, 0], as_tuple=True)
    measured.append(((rows.max() - rows.min() + 1).item(), (cols.max() - cols.min() + 1).item()))
print("receptive fields found by autograd:", measured)
assert measured == [(s, s) for s in sizes]

# Draw them on a real 28x28 digit, centered on the unit at the middle of the final 5x5 map.
digit = torch.tensor(load_digits().images[2], dtype=torch.float32).view(1, 1, 8, 8) / 16.0
digit = F.interpolate(digit, size=(28, 28), mode="bilinear", align_corners=False)[0, 0]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.8), gridspec_kw={"width_ratios": [1, 1.3]})
ax1.imshow(digit, cmap="gray_r")
colors = ["tab:blue", "tab:green", "tab:orange", "tab:red"]
for (name, *_), size, color in zip(layers, sizes, colors):
    start = 14 - size / 2 - 0.5
    ax1.add_patch(plt.Rectangle((start, start), size, size, fill=False, edgecolor=color, linewidth=2, label=name))
ax1.legend(fontsize=7, loc="lower left")
ax1.set(title="What one unit sees on the 28×28 input", xticks=[], yticks=[])
ax2.bar([name for name, *_ in layers], sizes, color=colors)
ax2.set(title="Receptive field after each layer", ylabel="pixels per side")
for i, size in enumerate(sizes):
    ax2.text(i, size + 0.3, f"{size}×{size}", ha="center", fontsize=9)
fig.suptitle("Receptive field growth in LeNet-5: pooling doubles the step of every later layer", fontsize=10)
plt.tight_layout()
plt.show()
