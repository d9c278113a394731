# roadmap 3.2.1: what a convolution layer does to shapes
import torch
import torch.nn as nn

torch.manual_seed(0)

# Input layout: (batch, channels, height, width)
input_tensor = torch.randn(1, 3, 32, 32)

conv = nn.Conv2d(
    in_channels=3,     # channels coming in (RGB)
    out_channels=64,   # number of filters = channels going out
    kernel_size=3,     # each filter looks at a 3x3 window ...
    stride=1,          # ... moved one pixel at a time ...
    padding=1,         # ... over an input padded by one pixel of zeros on every side
    bias=True,
)
output = conv(input_tensor)
print(f"input shape:  {tuple(input_tensor.shape)}")
print(f"output shape: {tuple(output.shape)}")
assert output.shape == (1, 64, 32, 32)

# Each of the 64 filters has 3 x 3 x 3 weights plus one bias.
print(f"weight shape: {tuple(conv.weight.shape)}, parameters: {sum(p.numel() for p in conv.parameters())}")
assert sum(p.numel() for p in conv.parameters()) == 64 * (3 * 3 * 3) + 64


def conv_output_size(n, kernel_size, stride=1, padding=0):
    """floor((n + 2p - k) / s) + 1: how many window positions fit along one side."""
    return (n + 2 * padding - kernel_size) // stride + 1


print(f"\n{'input':>5} {'kernel':>6} {'stride':>6} {'padding':>7} {'formula':>7} {'PyTorch':>7}")
settings = [
    (32, 3, 1, 1),   # "same" padding: size kept
    (32, 3, 1, 0),   # no padding: lose k - 1 pixels
    (32, 5, 1, 2),   # "same" for a 5x5 kernel
    (32, 3, 2, 1),   # stride 2 halves the size
    (28, 5, 1, 0),   # LeNet-5's second convolution sees this kind of shrink
    (7, 3, 2, 0),    # (7 - 3) / 2 + 1 = 3
    (8, 3, 3, 0),    # (8 - 3) / 3 = 1.67 -> floor -> 1, + 1 = 2: leftover pixels are dropped
    (224, 7, 2, 3),  # the ResNet stem on ImageNet: 224 -> 112
]
for n, k, s, p in settings:
    layer = nn.Conv2d(1, 1, kernel_size=k, stride=s, padding=p)
    actual = layer(torch.randn(1, 1, n, n)).shape[-1]
    expected = conv_output_size(n, k, s, p)
    print(f"{n:>5} {k:>6} {s:>6} {p:>7} {expected:>7} {actual:>7}")
    assert actual == expected

# Pooling follows the same formula (MaxPool2d(2, 2): kernel 2, stride 2).
assert nn.MaxPool2d(2, 2)(torch.randn(1, 1, 7, 7)).shape[-1] == conv_output_size(7, 2, 2) == 3
print("\nformula matches nn.Conv2d (and nn.MaxPool2d) for every setting")
