# exercise added by this site (lesson 2.1): check autograd's gradient against finite differences
import torch

torch.manual_seed(0)


def f(x):
    return (torch.sin(x) * x**2).sum()


x = torch.randn(6, dtype=torch.float64, requires_grad=True)
f(x).backward()
autograd_grad = x.grad.clone()

# Central differences: (f(x + h e_i) - f(x - h e_i)) / 2h, one coordinate at a time
h = 1e-6
numeric_grad = torch.zeros_like(x)
with torch.no_grad():
    for i in range(len(x)):
        step = torch.zeros_like(x)
        step[i] = h
        numeric_grad[i] = (f(x + step) - f(x - step)) / (2 * h)

# And the formula by hand: d/dx [x^2 sin x] = 2x sin x + x^2 cos x
by_hand = 2 * x.detach() * torch.sin(x.detach()) + x.detach() ** 2 * torch.cos(x.detach())
print("autograd:   ", autograd_grad)
print("numeric:    ", numeric_grad)
error = (autograd_grad - numeric_grad).abs().max().item()
print(f"largest difference autograd vs finite differences: {error:.1e}")
assert error < 1e-6
torch.testing.assert_close(autograd_grad, by_hand)
