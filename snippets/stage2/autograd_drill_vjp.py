# exercise added by this site (lesson 2.1): backward on a non-scalar output is a vector-Jacobian product
import torch
from torch.autograd.functional import jacobian

torch.manual_seed(0)
A = torch.randn(2, 3, dtype=torch.float64)


def f(x):
    return A @ torch.tanh(x)  # 3 inputs -> 2 outputs: the Jacobian is a 2 x 3 matrix


x = torch.randn(3, dtype=torch.float64, requires_grad=True)
y = f(x)

# backward() without an argument needs a scalar: autograd does not know how to weigh the outputs
try:
    y.backward()
except RuntimeError as error:
    print("y.backward():", error)
else:
    raise AssertionError("expected a RuntimeError for a non-scalar output")

# gradient=v weighs the outputs: x.grad becomes v^T J, the gradient of the scalar (v * y).sum()
v = torch.tensor([1.0, -2.0], dtype=torch.float64)
y.backward(gradient=v, retain_graph=True)
J = jacobian(f, x.detach())
print(f"J =\n{J.numpy().round(4)}")
print(f"v^T J  = {(v @ J).numpy().round(4)}")
print(f"x.grad = {x.grad.numpy().round(4)}")
assert J.shape == (2, 3)
torch.testing.assert_close(x.grad, v @ J)

# The same as backward on the weighted sum
x.grad = None
(v * y).sum().backward()
torch.testing.assert_close(x.grad, v @ J)
print("y.backward(gradient=v) == (v * y).sum().backward() == v @ jacobian: checked")
