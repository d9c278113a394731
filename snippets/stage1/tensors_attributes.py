# roadmap 1.2.2: what a tensor knows about itself
import torch

tensor = torch.rand(3, 4, 5)

print(f"shape:    {tensor.shape}")
print(f"ndim:     {tensor.ndim}")
print(f"dtype:    {tensor.dtype}")
print(f"device:   {tensor.device}")
print(f"numel:    {tensor.numel()}")
# Not in the original list, but worth knowing: how elements are laid out in memory.
print(f"stride:   {tensor.stride()}")

assert tensor.shape == torch.Size([3, 4, 5])
assert tensor.ndim == 3 and tensor.numel() == 3 * 4 * 5
assert tensor.dtype == torch.float32 and tensor.device.type == "cpu"
assert tensor.stride() == (20, 5, 1)  # one step along dim 0 skips 4*5 elements
