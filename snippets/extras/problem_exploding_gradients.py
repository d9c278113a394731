# Exploding gradients: a deep ReLU network at a too-high learning rate diverges to NaN; clip_grad_norm_ (or a lower LR) tames it
import math

import matplotlib.pyplot as plt
import torch
import torch.nn as nn
import torch.nn.functional as F

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
depth, width, num_steps = 12, 64, 200


def make_data():
    # A noisy linear target: easy to fit, so any failure is the optimizer's fault, not the data's.
    inputs = torch.randn(512, 16)
    true_weights = torch.randn(16, 1)
    targets = inputs @ true_weights + 0.1 * torch.randn(512, 1)
    return inputs.to(device), targets.to(device)


def make_model():
    layers, in_features = [], 16
    for _ in range(depth):
        linear = nn.Linear(in_features, width)
        nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
        nn.init.zeros_(linear.bias)
        layers += [linear, nn.ReLU()]
        in_features = width
    return nn.Sequential(*layers, nn.Linear(width, 1)).to(device)


def train(lr, max_grad_norm=None):
    torch.manual_seed(0)  # identical data and initial weights for every run
    inputs, targets = make_data()
    model = make_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses, largest_grad_norm = [], 0.0
    for _ in range(num_steps):
        loss = F.mse_loss(model(inputs), targets)
        optimizer.zero_grad()
        loss.backward()
        # clip_grad_norm_ rescales all gradients together so their total norm is at most max_norm,
        # and returns the norm *before* clipping: log it, it is the best early-warning signal.
        max_norm = max_grad_norm if max_grad_norm is not None else float("inf")
        grad_norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=max_norm).item()
        largest_grad_norm = max(largest_grad_norm, grad_norm)
        optimizer.step()
        losses.append(loss.item())
        if not math.isfinite(loss.item()):
            break  # once a NaN appears every later step is NaN too
    return losses, largest_grad_norm


runs = {
    "lr=0.05": train(lr=0.05),
    "lr=0.05 + clip_grad_norm_(1.0)": train(lr=0.05, max_grad_norm=1.0),
    "lr=0.01 (lowered)": train(lr=0.01),
}

print(f"{'run':<32} {'steps':>5} {'first loss':>10} {'last loss':>10} {'max grad norm':>14}")
for name, (losses, largest) in runs.items():
    print(f"{name:<32} {len(losses):>5} {losses[0]:>10.2f} {losses[-1]:>10.2f} {largest:>14.1e}")

diverged, _ = runs["lr=0.05"]
clipped, _ = runs["lr=0.05 + clip_grad_norm_(1.0)"]
lowered, _ = runs["lr=0.01 (lowered)"]
# Without clipping, one big step makes the next gradient bigger still: the loss blows up to NaN within a few steps.
assert not math.isfinite(diverged[-1]) and len(diverged) < 20
# Same learning rate, gradients clipped: training is stable and the loss falls by more than 5x.
assert all(math.isfinite(loss) for loss in clipped) and clipped[-1] < clipped[0] / 5
# A smaller learning rate is the other fix.
assert all(math.isfinite(loss) for loss in lowered) and lowered[-1] < lowered[0] / 5

fig, ax = plt.subplots(figsize=(8, 4))
for name, (losses, _) in runs.items():
    finite = [loss for loss in losses if math.isfinite(loss)]
    ax.semilogy(range(len(finite)), finite, label=name)
ax.set_title("Training loss of a 12-layer ReLU network (diverged run stops at NaN)")
ax.set_xlabel("step")
ax.set_ylabel("MSE loss (log scale)")
ax.legend()
fig.tight_layout()
plt.show()
