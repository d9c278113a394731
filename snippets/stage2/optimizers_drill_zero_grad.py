# exercise added by this site (lesson 2.3): find the bug, a training loop without zero_grad
import torch


def train(zero_grad, steps=60):
    """Minimize (w - 3)^2 with plain SGD, with or without clearing the gradients."""
    w = torch.tensor(0.0, requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=0.1)
    grads = []
    for _ in range(steps):
        if zero_grad:
            optimizer.zero_grad()
        loss = (w - 3) ** 2
        loss.backward()
        grads.append(w.grad.item())  # what the optimizer is about to use
        optimizer.step()
    return w.item(), grads


w_bug, grads_bug = train(zero_grad=False)
w_fixed, grads_fixed = train(zero_grad=True)
print(f"without zero_grad: w = {w_bug:.3f}; with zero_grad: w = {w_fixed:.3f} (the answer is 3)")
# The bug: the second step uses the sum of the first two gradients, not the second one alone
assert grads_bug[0] == grads_fixed[0] == -6.0
print(f"step 2 uses {grads_bug[1]:.2f}, the sum (-6.00) + ({grads_fixed[1]:.2f}), instead of {grads_fixed[1]:.2f}")
assert abs(grads_bug[1] - (grads_fixed[0] + grads_fixed[1])) < 1e-6
# Its effect: a velocity that never decays, so w keeps swinging around 3 instead of settling
assert abs(w_fixed - 3) < 1e-3 and abs(w_bug - 3) > 0.5
