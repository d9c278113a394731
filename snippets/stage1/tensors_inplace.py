# In-place operations (a trailing underscore): they save memory, and autograd may refuse them
import torch

x = torch.ones(3)
address = x.data_ptr()
y = x.add(1)    # out of place: a new tensor, x unchanged
x.add_(1)       # in place: x itself changes, no new memory
print("x.add(1) ->", y.tolist(), "| after x.add_(1), x =", x.tolist())
assert x.data_ptr() == address and y.data_ptr() != address
assert x.tolist() == [2.0, 2.0, 2.0]
x += 1          # operators like += are in place too
assert x.data_ptr() == address and x.tolist() == [3.0, 3.0, 3.0]

# 1. A leaf that requires grad cannot be changed in place outside no_grad: the change would
#    have to be recorded in its history, and a leaf has none (it is where gradients accumulate).
w = torch.ones(3, requires_grad=True)
try:
    w.add_(1)
except RuntimeError as error:
    print("leaf in place:", str(error).split(".")[0])
else:
    raise AssertionError("expected a RuntimeError")
with torch.no_grad():
    w.add_(1)  # fine here: this is how optimizers update parameters
assert w.tolist() == [2.0, 2.0, 2.0]

# 2. A tensor that the backward pass needs cannot be overwritten before backward runs.
#    sigmoid saves its OUTPUT (its derivative is s * (1 - s)); changing it breaks the gradient.
a = torch.tensor([0.0, 1.0], requires_grad=True)
s = a.sigmoid()
s.mul_(2)  # allowed now, but it bumps s's version counter
try:
    s.sum().backward()
except RuntimeError as error:
    print("saved tensor modified:", str(error).split(";")[0][:90], "...")
else:
    raise AssertionError("expected a RuntimeError")
# The fix: use the out-of-place form
a = torch.tensor([0.0, 1.0], requires_grad=True)
s = a.sigmoid()
(s * 2).sum().backward()
expected = 2 * s.detach() * (1 - s.detach())
torch.testing.assert_close(a.grad, expected)
print("out of place: gradient", a.grad.tolist())
