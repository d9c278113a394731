# exercise added by this site (lesson 2.1): leaf and non-leaf tensors, and retain_grad
import warnings

import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)  # made by you: a leaf that requires grad
scale = torch.tensor(3.0)  # made by you, no grad: also a leaf
h = x * scale  # made by an operation on a tensor that requires grad: a non-leaf with a grad_fn
h.retain_grad()  # ask autograd to keep h's gradient too
y = (h**2).sum()  # another non-leaf, no retain_grad
y.backward()

for name, t in [("x", x), ("scale", scale), ("h", h), ("y", y)]:
    print(f"{name:5}: is_leaf={t.is_leaf!s:5}  requires_grad={t.requires_grad!s:5}  "
          f"grad_fn={type(t.grad_fn).__name__ if t.grad_fn else None}")
assert x.is_leaf and scale.is_leaf and not h.is_leaf and not y.is_leaf
assert x.grad_fn is None and h.grad_fn is not None

# dy/dh = 2h and dy/dx = 2h * 3 = 18x: the leaf gets .grad, the retained non-leaf too
print(f"x.grad = {x.grad.tolist()}, h.grad = {h.grad.tolist()}, scale.grad = {scale.grad}")
assert torch.equal(x.grad, 18 * x.detach()) and torch.equal(h.grad, 2 * h.detach())
assert scale.grad is None  # it does not require grad, so nothing is computed for it

# y.grad is None: y is a non-leaf without retain_grad (PyTorch warns when you read it)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    assert y.grad is None
assert any("non-leaf" in str(w.message) for w in caught)
print("y.grad is None, with a warning that y is not a leaf")

# A common surprise: an operation on a leaf, even a dtype or device move, makes a non-leaf
w = torch.rand(3, requires_grad=True).double()
assert not w.is_leaf
w_leaf = torch.rand(3, dtype=torch.float64, requires_grad=True)  # create it in the right dtype instead
assert w_leaf.is_leaf
print("torch.rand(3, requires_grad=True).double() is not a leaf; create the tensor in float64 instead")
