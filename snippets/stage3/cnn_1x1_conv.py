# A 1x1 convolution is a linear layer applied at every pixel, across the channels
import torch
import torch.nn as nn

torch.manual_seed(0)

x = torch.randn(2, 16, 7, 7)                     # (batch, 16 channels, 7x7)
conv = nn.Conv2d(16, 4, kernel_size=1)           # 16 channels in, 4 out, window of one pixel
linear = nn.Linear(16, 4)
with torch.no_grad():                            # give the linear layer the same numbers
    linear.weight.copy_(conv.weight.view(4, 16))
    linear.bias.copy_(conv.bias)

by_conv = conv(x)                                                 # (2, 4, 7, 7)
by_linear = linear(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)     # channels last, Linear, channels back
print(f"1x1 conv: {tuple(x.shape)} -> {tuple(by_conv.shape)}")
assert by_conv.shape == (2, 4, 7, 7)
assert torch.allclose(by_conv, by_linear, atol=1e-6)
print("Conv2d(16, 4, 1) == Linear(16, 4) on the channel dimension: True")

# Same parameters, same count: 16 x 4 weights + 4 biases; the spatial size plays no role.
n_conv, n_linear = (sum(p.numel() for p in m.parameters()) for m in (conv, linear))
print(f"parameters: conv {n_conv}, linear {n_linear}")
assert n_conv == n_linear == 16 * 4 + 4
