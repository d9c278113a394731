# exercise added by this site (lesson 5.4): the output size of (transposed) convolutions, by formula and by layer
import torch
import torch.nn as nn


def conv_out(size, kernel, stride, padding):
    return (size + 2 * padding - kernel) // stride + 1


def conv_transpose_out(size, kernel, stride, padding):
    return (size - 1) * stride - 2 * padding + kernel


# The DCGAN building blocks: (kernel 4, stride 2, padding 1) doubles or halves a size,
# (kernel 4, stride 1, padding 0) turns a 1x1 noise vector into a 4x4 map and back.
for size in (1, 4, 8, 16, 32):
    print(f"{size:>2} -> transposed (4, 2, 1): {conv_transpose_out(size, 4, 2, 1):>2}, "
          f"conv (4, 2, 1): {conv_out(size, 4, 2, 1) if size >= 2 else '-'}")
assert conv_transpose_out(1, 4, 1, 0) == 4 and conv_out(4, 4, 1, 0) == 1

# The formulas agree with the real layers for every combination tried.
for size in (4, 7, 8, 15, 16):
    for kernel, stride, padding in [(4, 2, 1), (3, 1, 1), (4, 1, 0), (5, 2, 2), (3, 2, 0)]:
        x = torch.zeros(1, 1, size, size)
        assert nn.Conv2d(1, 1, kernel, stride, padding)(x).shape[-1] == conv_out(size, kernel, stride, padding)
        assert nn.ConvTranspose2d(1, 1, kernel, stride, padding)(x).shape[-1] == conv_transpose_out(size, kernel, stride, padding)
print("formulas match nn.Conv2d and nn.ConvTranspose2d on 25 combinations")
