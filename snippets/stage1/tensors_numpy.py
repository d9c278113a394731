# NumPy round trips: which conversions share memory and which copy
import numpy as np
import torch

array = np.arange(4, dtype=np.float32)
shared = torch.from_numpy(array)   # shares memory with the array
copied = torch.tensor(array)       # always a copy
back = shared.numpy()              # shares memory with the tensor (CPU tensors only)
array[0] = 100.0
print("array:", array, "| from_numpy:", shared.tolist(), "| torch.tensor:", copied.tolist())
assert shared[0] == 100 and back[0] == 100 and copied[0] == 0
shared.mul_(2)  # an in-place change to the tensor shows up in the array
assert array[1] == 2.0 and np.shares_memory(array, back)

# dtypes carry over: NumPy's default float64 stays float64 (PyTorch's default is float32)
float64 = torch.from_numpy(np.array([0.1, 0.2]))
print("np.array([0.1, 0.2]) ->", float64.dtype, "| .float() ->", float64.float().dtype)
assert float64.dtype == torch.float64

# A tensor that requires grad must leave the graph first, and a GPU tensor must come to the CPU
weights = torch.ones(2, requires_grad=True)
try:
    weights.numpy()
except RuntimeError as error:
    print("numpy() on a tensor that requires grad:", str(error).split(".")[0])
else:
    raise AssertionError("expected a RuntimeError")
as_numpy = weights.detach().cpu().numpy()  # the safe spelling, on any device
assert isinstance(as_numpy, np.ndarray) and as_numpy.tolist() == [1.0, 1.0]
