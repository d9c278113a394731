# roadmap 2.1.3: switching gradients off and on, detaching, reusing graphs, higher-order derivatives, inference mode
import torch

# 1. torch.no_grad(): no graph is recorded (use it for inference and evaluation)
x = torch.tensor(2.0, requires_grad=True)
with torch.no_grad():
    y = x**2
print(f"1. no_grad      : y.requires_grad = {y.requires_grad}, y.grad_fn = {y.grad_fn}")
assert not y.requires_grad and y.grad_fn is None

# 2. torch.enable_grad(): turn recording back on, even inside a no_grad block
x = torch.tensor(2.0)  # requires_grad=False by default
with torch.no_grad():
    with torch.enable_grad():
        x.requires_grad_(True)
        y = x**2
print(f"2. enable_grad  : y.requires_grad = {y.requires_grad}")
assert y.requires_grad

# 3. detach(): the result shares data but is cut out of the graph
x = torch.tensor(2.0, requires_grad=True)
y = x**2
z = y.detach() * 3  # z receives no gradient, and none flows back to x through it
print(f"3. detach       : z = {z.item()}, z.requires_grad = {z.requires_grad}")
assert not z.requires_grad
# A typical use: treat part of an expression as a constant
w = x * y.detach()  # d/dx (x * const) = const = 4, not 3x^2 = 12
w.backward()
print(f"   d/dx [x * detach(x^2)] = {x.grad.item()}")
assert x.grad.item() == 4.0

# 4. retain_graph=True: backward frees the graph unless you ask to keep it
x = torch.tensor(2.0, requires_grad=True)
y = x**2
y.backward(retain_graph=True)  # first pass, keep the graph
y.backward()  # second pass works, and the gradients add up: 4 + 4
print(f"4. retain_graph : x.grad after two backward passes = {x.grad.item()}")
assert x.grad.item() == 8.0
try:
    y.backward()  # the graph is gone now
except RuntimeError:
    print("   a third backward raises RuntimeError: the tensors the graph saved were freed")
else:
    raise AssertionError("expected a RuntimeError")

# 5. Higher-order derivatives: create_graph=True makes the gradient itself differentiable
x = torch.tensor(2.0, requires_grad=True)
y = x**3
grad_y = torch.autograd.grad(y, x, create_graph=True)[0]  # 3x^2 = 12
grad2_y = torch.autograd.grad(grad_y, x)[0]  # second derivative: 6x = 12
print(f"5. higher order : dy/dx = {grad_y.item()}, d2y/dx2 = {grad2_y.item()}")
assert grad_y.item() == 12.0 and grad2_y.item() == 12.0

# 6. torch.inference_mode(): like no_grad, and also skips the bookkeeping (version counters) that
#    would let the results enter a graph later; tensors made inside are "inference tensors"
x = torch.tensor(2.0, requires_grad=True)
with torch.inference_mode():
    y = x**2
print(f"6. inference_mode: y.requires_grad = {y.requires_grad}, y.is_inference() = {y.is_inference()}")
assert not y.requires_grad and y.is_inference()
try:
    (x * y).backward()  # an inference tensor cannot be saved for backward
except RuntimeError:
    print("   using y in a graph afterwards raises RuntimeError (with no_grad it would be allowed)")
else:
    raise AssertionError("expected a RuntimeError")
with torch.no_grad():
    y_no_grad = x**2
(x * y_no_grad).backward()  # fine: y_no_grad is an ordinary tensor, treated as a constant
assert x.grad.item() == 4.0
