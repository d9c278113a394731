# roadmap 2.1.2: PyTorch builds a new graph on every forward pass
import torch


def dynamic_computation(x, condition):
    # Ordinary Python control flow decides which operations end up in the graph
    if condition:
        y = x**2
    else:
        y = x**3
    return y


x = torch.tensor(2.0, requires_grad=True)

# Each call records a fresh graph, so each branch gets its own derivative
y1 = dynamic_computation(x, True)
print(f"condition=True : y = {y1.item()}, graph node = {type(y1.grad_fn).__name__}")
y1.backward()
print(f"gradient when condition is True : {x.grad.item()}  (d/dx x^2 = 2x)")
assert x.grad.item() == 4.0

x.grad.zero_()
y2 = dynamic_computation(x, False)
y2.backward()
print(f"gradient when condition is False: {x.grad.item()}  (d/dx x^3 = 3x^2)")
assert x.grad.item() == 12.0

# Loops work too: the graph's depth depends on the data
x.grad.zero_()
y = x
steps = 0
while y < 100:  # doubles until it passes 100: 2 -> 4 -> ... -> 128
    y = y * 2
    steps += 1
y.backward()
print(f"loop ran {steps} times, y = {y.item()}, dy/dx = {x.grad.item()} (= 2**{steps})")
assert x.grad.item() == 2.0**steps
