# exercise added by this site (lesson 2.1): a straight-through estimator as a custom autograd.Function
import torch


class RoundSTE(torch.autograd.Function):
    """Forward: round to the nearest integer. Backward: pretend it was the identity."""

    @staticmethod
    def forward(ctx, x):
        return torch.round(x)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output  # the gradient passes straight through


x = torch.tensor([0.2, 0.7, 1.4, -1.6], requires_grad=True)

# torch.round's own gradient is zero everywhere: nothing could learn through it
torch.round(x).mul(3).sum().backward()
print("through torch.round: grad =", x.grad.tolist())
assert torch.equal(x.grad, torch.zeros(4))

x.grad = None
y = RoundSTE.apply(x)
y.mul(3).sum().backward()
print("rounded:", y.tolist(), "| through RoundSTE: grad =", x.grad.tolist())
assert y.tolist() == [0.0, 1.0, 1.0, -2.0]
assert torch.equal(x.grad, torch.full((4,), 3.0))  # d(3y)/dx as if y were x

# It lets gradient descent move a value that is rounded in the forward pass
w = torch.tensor([0.3], requires_grad=True)
optimizer = torch.optim.SGD([w], lr=0.1)
for _ in range(50):
    optimizer.zero_grad()
    loss = (RoundSTE.apply(w) * 2.0 - 6.0) ** 2  # best when round(w) = 3
    loss.backward()
    optimizer.step()
print(f"after 50 steps: w = {w.item():.2f}, round(w) = {round(w.item())}, loss = {loss.item()}")
assert round(w.item()) == 3 and loss.item() == 0.0
