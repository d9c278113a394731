# exercise added by this site (lesson 4.3): find the bug: accumulating gradients without dividing the loss
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10)).to(device)
x, y = torch.rand(64, 64, device=device), torch.randint(0, 10, (64,), device=device)
accumulation_steps = 4


def gradient(divide):
    model.zero_grad()
    for x_micro, y_micro in zip(x.chunk(accumulation_steps), y.chunk(accumulation_steps)):
        loss = F.cross_entropy(model(x_micro), y_micro)  # a mean over the 16 samples of the micro-batch
        (loss / accumulation_steps if divide else loss).backward()  # backward() adds into .grad
    return torch.cat([p.grad.flatten() for p in model.parameters()])


model.zero_grad()
F.cross_entropy(model(x), y).backward()  # the gradient we want: one mean over all 64 samples
big_batch = torch.cat([p.grad.flatten() for p in model.parameters()])

buggy, fixed = gradient(divide=False), gradient(divide=True)
print(f"norm of the big-batch gradient {big_batch.norm():.4f}")
print(f"without dividing: {buggy.norm():.4f} ({buggy.norm() / big_batch.norm():.2f}x)")
print(f"dividing by {accumulation_steps}:    {fixed.norm():.4f}")

assert accumulation_steps == 4 and torch.allclose(buggy, 4 * big_batch, atol=1e-6)  # the bug: 4x the gradient (like a 4x learning rate)
assert torch.allclose(fixed, big_batch, atol=1e-7)  # the fix: the big-batch gradient
