# roadmap 1.4 homework: batch normalization written with broadcasting
import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(0)


def batch_norm(x, gamma, beta, eps=1e-5):
    """Normalize each channel over the batch (and spatial) dimensions, then scale and shift.

    x: (N, C) or (N, C, H, W). gamma, beta: (C,).
    """
    dims = [0] + list(range(2, x.ndim))            # every dimension except the channels
    shape = [1, -1] + [1] * (x.ndim - 2)           # (1, C) or (1, C, 1, 1): broadcasts over x
    mean = x.mean(dim=dims, keepdim=True)
    var = x.var(dim=dims, keepdim=True, unbiased=False)  # batch norm normalizes with the biased variance
    x_hat = (x - mean) / torch.sqrt(var + eps)
    return gamma.reshape(shape) * x_hat + beta.reshape(shape)


for shape in [(16, 8), (4, 3, 5, 5)]:
    x = torch.randn(shape) * 3 + 1
    channels = shape[1]
    gamma, beta = torch.rand(channels) + 0.5, torch.randn(channels)
    ours = batch_norm(x, gamma, beta)
    reference = F.batch_norm(x, running_mean=None, running_var=None, weight=gamma, bias=beta, training=True)
    difference = (ours - reference).abs().max().item()
    print(f"input {str(shape):14} max |ours - F.batch_norm| = {difference:.2e}")
    torch.testing.assert_close(ours, reference)

# Also the same as the nn.BatchNorm2d layer in training mode (its default weight=1, bias=0).
layer = nn.BatchNorm2d(3)
x = torch.randn(4, 3, 5, 5)
torch.testing.assert_close(batch_norm(x, layer.weight.detach(), layer.bias.detach()), layer(x).detach())
print("matches nn.BatchNorm2d too")
