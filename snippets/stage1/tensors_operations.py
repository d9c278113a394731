# roadmap 1.2.3: indexing, slicing, reshaping, joining
import torch

# Indexing and slicing work like NumPy.
tensor = torch.arange(12).reshape(3, 4)
print("tensor:\n", tensor)
print("first row:       ", tensor[0])
print("second column:   ", tensor[:, 1])
print("rows 1:, cols :2:\n", tensor[1:, :2])  # the bottom-left sub-matrix

# Changing the shape.
x = torch.arange(12)
reshaped = x.reshape(3, 4)
viewed = x.view(2, 6)            # a view shares memory with x; needs a contiguous tensor
unsqueezed = x.unsqueeze(0)      # add a dimension of size 1 -> (1, 12)
squeezed = unsqueezed.squeeze()  # drop dimensions of size 1 -> (12,)
print("shapes:", tuple(reshaped.shape), tuple(viewed.shape), tuple(unsqueezed.shape), tuple(squeezed.shape))
assert viewed.data_ptr() == x.data_ptr()  # no copy was made

# reshape works even when view cannot (a transposed tensor is not contiguous).
transposed = reshaped.t()
try:
    transposed.view(12)
except RuntimeError:
    print("view() refuses a non-contiguous tensor; reshape() copies when it must:", transposed.reshape(12)[:4])
else:
    raise AssertionError("view() of a transposed tensor should fail")
# reshape returns a view when it can (same memory) and a copy when it must (new memory)
assert reshaped.reshape(12).data_ptr() == reshaped.data_ptr()
assert transposed.reshape(12).data_ptr() != transposed.data_ptr()

# Joining: cat joins along an existing dimension, stack creates a new one.
x = torch.ones(2, 3)
y = torch.zeros(2, 3)
cat_0 = torch.cat([x, y], dim=0)
cat_1 = torch.cat([x, y], dim=1)
stacked = torch.stack([x, y], dim=0)
print("cat dim 0:", tuple(cat_0.shape), "| cat dim 1:", tuple(cat_1.shape), "| stack:", tuple(stacked.shape))

assert tensor[0].tolist() == [0, 1, 2, 3] and tensor[:, 1].tolist() == [1, 5, 9]
assert tensor[1:, :2].tolist() == [[4, 5], [8, 9]]
assert cat_0.shape == (4, 3) and cat_1.shape == (2, 6) and stacked.shape == (2, 2, 3)
