# exercise added by this site (lesson 5.1): why a U-Net's input size must be divisible by 2 ** (number of poolings)
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
down = nn.MaxPool2d(2)
up = nn.ConvTranspose2d(4, 4, kernel_size=2, stride=2)


def skip_shapes(size, depth=2):
    x = torch.randn(1, 4, size, size)
    skips = []
    for _ in range(depth):
        skips.append(x)
        x = down(x)           # floor(size / 2): an odd size loses a row and a column
    for skip in reversed(skips):
        x = up(x)             # exactly doubles
        if x.shape[-1] != skip.shape[-1]:
            return x.shape[-1], skip.shape[-1]
        x = torch.cat([x, skip], dim=1)[:, :4]
    return None


assert skip_shapes(64) is None            # 64 = 16 * 2 * 2: every skip connection fits
assert skip_shapes(30) == (14, 15)        # 30 -> 15 -> 7, and 7 * 2 = 14 != 15: torch.cat would fail
# the fix: pad the input up to a multiple of 4 (and crop the output back)
x = torch.randn(1, 4, 30, 30)
padded = F.pad(x, (0, 2, 0, 2))
assert padded.shape[-1] % 4 == 0 and skip_shapes(padded.shape[-1]) is None
print("64 fits, 30 does not: pad to 32")
