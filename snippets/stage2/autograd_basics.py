# roadmap 2.1.1: the first gradient
import torch

# requires_grad=True tells autograd to record every operation on these tensors
x = torch.tensor([2.0, 3.0], requires_grad=True)
y = torch.tensor([1.0, 4.0], requires_grad=True)

# Forward pass: computing z builds the computation graph behind the scenes
z = x**2 + 3 * y
loss = z.sum()
print(f"loss = {loss.item()}  (grad_fn: {type(loss.grad_fn).__name__})")

# Backward pass: fills .grad of every leaf tensor that requires grad
loss.backward()

# d(loss)/dx = 2x and d(loss)/dy = 3
print(f"dloss/dx = {x.grad}")  # tensor([4., 6.])
print(f"dloss/dy = {y.grad}")  # tensor([3., 3.])
assert torch.equal(x.grad, torch.tensor([4.0, 6.0]))
assert torch.equal(y.grad, torch.tensor([3.0, 3.0]))

# Gradients ACCUMULATE: a second backward pass adds to .grad instead of replacing it
loss = (x**2 + 3 * y).sum()
loss.backward()
print(f"after a second backward, x.grad = {x.grad}  (doubled)")
assert torch.equal(x.grad, torch.tensor([8.0, 12.0]))

# That is why you zero the gradients before every new backward pass (important!)
x.grad.zero_()
y.grad.zero_()
print(f"after zero_(): x.grad = {x.grad}, y.grad = {y.grad}")
assert x.grad.abs().sum() == 0 and y.grad.abs().sum() == 0
