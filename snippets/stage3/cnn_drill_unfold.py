# exercise added by this site (lesson 3.2): a convolution as unfold + matrix multiplication
import torch
import torch.nn.functional as F

torch.manual_seed(0)


def conv2d_unfold(x, weight, bias, stride=1, padding=0):
    n, c_in, h, w = x.shape
    c_out, _, k, _ = weight.shape
    h_out = (h + 2 * padding - k) // stride + 1
    w_out = (w + 2 * padding - k) // stride + 1
    # Every k x k window of every input channel becomes one column: (n, c_in*k*k, h_out*w_out).
    columns = F.unfold(x, kernel_size=k, stride=stride, padding=padding)
    # Each filter, flattened to c_in*k*k numbers, is one row: one matmul does all filters at all places.
    out = weight.view(c_out, -1) @ columns + bias.view(1, c_out, 1)       # (n, c_out, h_out*w_out)
    return out.view(n, c_out, h_out, w_out)


for stride, padding in [(1, 0), (1, 1), (2, 1)]:
    x = torch.randn(2, 3, 9, 9)
    weight, bias = torch.randn(4, 3, 3, 3), torch.randn(4)
    mine = conv2d_unfold(x, weight, bias, stride, padding)
    builtin = F.conv2d(x, weight, bias, stride=stride, padding=padding)
    print(f"stride {stride}, padding {padding}: output {tuple(mine.shape)}, "
          f"max difference {(mine - builtin).abs().max():.1e}")
    assert mine.shape == builtin.shape and torch.allclose(mine, builtin, atol=1e-5)
