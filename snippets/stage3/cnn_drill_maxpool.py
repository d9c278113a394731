# exercise added by this site (lesson 3.2): max pooling by hand, checked against F.max_pool2d
import torch
import torch.nn.functional as F

torch.manual_seed(0)


def max_pool2d_by_hand(x, kernel_size, stride):
    n, c, h, w = x.shape
    h_out = (h - kernel_size) // stride + 1
    w_out = (w - kernel_size) // stride + 1
    out = torch.empty(n, c, h_out, w_out)
    for i in range(h_out):
        for j in range(w_out):
            window = x[:, :, i * stride:i * stride + kernel_size, j * stride:j * stride + kernel_size]
            out[:, :, i, j] = window.amax(dim=(2, 3))   # the largest value of each window, per channel
    return out


x = torch.randn(2, 3, 9, 9)
for kernel_size, stride in [(2, 2), (3, 2), (3, 3)]:   # (3, 2): windows overlap
    mine = max_pool2d_by_hand(x, kernel_size, stride)
    builtin = F.max_pool2d(x, kernel_size, stride)
    print(f"kernel {kernel_size}, stride {stride}: {tuple(x.shape)} -> {tuple(mine.shape)}")
    assert torch.equal(mine, builtin)
print("max pool by hand == F.max_pool2d for every setting")
