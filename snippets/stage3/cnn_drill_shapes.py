# exercise added by this site (lesson 3.2): output shapes and parameter counts of LeNet-5 by hand
import torch
import torch.nn as nn

torch.manual_seed(0)


def out_size(n, k, s=1, p=0):
    return (n + 2 * p - k) // s + 1


# By hand, layer by layer, for a 1x28x28 input: (channels, height, width) and parameters.
n1 = out_size(28, 5, p=2)          # conv1: 28 -> 28
n2 = out_size(n1, 2, s=2)          # pool1: 28 -> 14
n3 = out_size(n2, 5)               # conv2: 14 -> 10
n4 = out_size(n3, 2, s=2)          # pool2: 10 -> 5
by_hand = {
    "conv1": ((6, n1, n1), 6 * (1 * 5 * 5) + 6),       # 6 filters of 1x5x5, plus 6 biases = 156
    "pool1": ((6, n2, n2), 0),                         # pooling has no parameters
    "conv2": ((16, n3, n3), 16 * (6 * 5 * 5) + 16),    # each filter spans all 6 input channels = 2,416
    "pool2": ((16, n4, n4), 0),
    "fc1": ((120,), 16 * n4 * n4 * 120 + 120),         # 400 inputs = 48,120
    "fc2": ((84,), 120 * 84 + 84),                     # 10,164
    "fc3": ((10,), 84 * 10 + 10),                      # 850
}

# The modules say the same.
layers = {
    "conv1": nn.Conv2d(1, 6, 5, padding=2), "pool1": nn.MaxPool2d(2),
    "conv2": nn.Conv2d(6, 16, 5), "pool2": nn.MaxPool2d(2),
    "fc1": nn.Linear(400, 120), "fc2": nn.Linear(120, 84), "fc3": nn.Linear(84, 10),
}
x = torch.randn(1, 1, 28, 28)
print(f"{'layer':<6} {'output shape':>14} {'parameters':>10}")
for name, layer in layers.items():
    if name == "fc1":
        x = x.flatten(1)
    x = layer(x)
    shape, params = tuple(x.shape[1:]), sum(p.numel() for p in layer.parameters())
    print(f"{name:<6} {str(shape):>14} {params:>10,}")
    assert (shape, params) == by_hand[name], name
total = sum(params for _, params in by_hand.values())
print(f"total: {total:,} parameters")
assert total == 61_706
