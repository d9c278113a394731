# exercise added by this site (lesson 3.1): find the bug; hidden layers kept in a plain Python list are never trained
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
# CPU on purpose: .to(device) does not move the plain list's layers either, so on a GPU the buggy
# model would stop at a device-mismatch error before showing the quieter bug this drill is about.
device = torch.device("cpu")

# A small regression task: y = sum of the squares of 4 inputs.
x = torch.randn(512, 4, device=device)
y = (x ** 2).sum(1, keepdim=True)


class BuggyMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = [nn.Linear(4, 32), nn.Linear(32, 32)]  # the bug: a plain list registers nothing
        self.out = nn.Linear(32, 1)

    def forward(self, x):
        for layer in self.hidden:
            x = torch.relu(layer(x))
        return self.out(x)


class FixedMLP(BuggyMLP):
    def __init__(self):
        super().__init__()
        self.hidden = nn.ModuleList([nn.Linear(4, 32), nn.Linear(32, 32)])  # the fix


def train(model, steps=100):
    first = [layer.weight.detach().clone() for layer in model.hidden]
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(steps):
        loss = F.mse_loss(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    changed = [not torch.equal(w, layer.weight) for w, layer in zip(first, model.hidden)]
    return loss.item(), changed


torch.manual_seed(0)
buggy = BuggyMLP()
print("BuggyMLP parameters seen by the optimizer:", [name for name, _ in buggy.named_parameters()])
buggy_loss, buggy_changed = train(buggy)
torch.manual_seed(0)
fixed = FixedMLP()
fixed_loss, fixed_changed = train(fixed)
print(f"buggy: final loss {buggy_loss:.3f}, hidden layers changed by training: {buggy_changed}")
print(f"fixed: final loss {fixed_loss:.3f}, hidden layers changed by training: {fixed_changed}")

# The bug: the hidden layers are missing from parameters() and state_dict() and never change.
assert [name for name, _ in buggy.named_parameters()] == ["out.weight", "out.bias"]
assert not any(buggy_changed) and "hidden.0.weight" not in buggy.state_dict()
# The fix: every layer is registered and trained, and the loss ends far lower.
assert all(fixed_changed) and "hidden.0.weight" in fixed.state_dict()
assert fixed_loss < 0.5 * buggy_loss
