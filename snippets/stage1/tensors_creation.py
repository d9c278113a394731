# roadmap 1.2.1: the ways to create a tensor
import numpy as np
import torch

torch.manual_seed(0)  # random tensors below are the same on every run

# 1. From Python data: the dtype is inferred (integers -> int64).
data = [[1, 2], [3, 4]]
tensor = torch.tensor(data)
print("from a list:\n", tensor, tensor.dtype)
assert tensor.dtype == torch.int64

# 2. From a NumPy array: from_numpy shares memory with the array, torch.tensor copies it.
np_array = np.array([[1, 2], [3, 4]])
tensor_from_numpy = torch.from_numpy(np_array)
tensor_copy = torch.tensor(np_array)
np_array[0, 0] = 100
print("from_numpy (after changing the array):\n", tensor_from_numpy)
print("torch.tensor (after changing the array):\n", tensor_copy)
assert tensor_from_numpy[0, 0] == 100  # same memory: sees the change
assert tensor_copy[0, 0] == 1  # its own copy: does not

# 3. Factory functions.
zeros = torch.zeros(3, 4)           # all zeros
ones = torch.ones(2, 3)             # all ones
rand = torch.rand(3, 3)             # uniform on [0, 1)
randn = torch.randn(3, 3)           # standard normal
arange = torch.arange(0, 10, 2)     # 0, 2, 4, 6, 8 (end is excluded)
linspace = torch.linspace(0, 1, 5)  # 5 evenly spaced points, both ends included
print("arange:  ", arange)
print("linspace:", linspace)
print("rand:\n", rand)

# 4. Same shape (and dtype, device) as another tensor.
x = torch.ones(2, 3)
y = torch.zeros_like(x)
z = torch.rand_like(x)
print("zeros_like:", y.shape, y.dtype, "| rand_like:", z.shape)

assert zeros.shape == (3, 4) and ones.sum() == 6
assert arange.tolist() == [0, 2, 4, 6, 8]
assert torch.allclose(linspace, torch.tensor([0.0, 0.25, 0.5, 0.75, 1.0]))
assert 0 <= rand.min() and rand.max() < 1
