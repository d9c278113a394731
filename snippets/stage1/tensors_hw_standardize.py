# roadmap 1.2 homework 2: standardize a tensor of any shape to mean 0 and standard deviation 1
import torch

torch.manual_seed(0)


def standardize(tensor, dim=None, eps=1e-8):
    """Shift and scale to mean 0, std 1: over all elements, or along `dim` (int or tuple)."""
    tensor = tensor.float()  # integer tensors have no mean
    if dim is None:
        mean, std = tensor.mean(), tensor.std()
    else:
        mean = tensor.mean(dim=dim, keepdim=True)  # keepdim so the result broadcasts back
        std = tensor.std(dim=dim, keepdim=True)
    return (tensor - mean) / (std + eps)  # eps avoids dividing by zero for a constant tensor


for shape in [(10,), (4, 5), (2, 3, 8, 8)]:
    data = torch.randn(shape) * 7 + 3  # mean about 3, std about 7
    result = standardize(data)
    print(f"shape {str(shape):13} mean {result.mean().item():+.2e}  std {result.std().item():.6f}")
    assert result.shape == data.shape
    assert abs(result.mean()) < 1e-5 and abs(result.std() - 1) < 1e-5

# Integers work too, and so does standardizing each row separately.
integers = torch.arange(12).reshape(3, 4)
rows = standardize(integers, dim=1)
print("per-row means:", rows.mean(dim=1), "per-row stds:", rows.std(dim=1))
assert torch.allclose(rows.mean(dim=1), torch.zeros(3), atol=1e-6)
assert torch.allclose(rows.std(dim=1), torch.ones(3), atol=1e-6)

# A constant tensor does not produce NaN.
assert not torch.isnan(standardize(torch.full((5,), 2.0))).any()
