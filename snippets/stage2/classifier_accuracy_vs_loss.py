# accuracy counts right answers, the loss also weighs confidence: equal accuracy, different loss
import math

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from sklearn.datasets import make_blobs
from sklearn.model_selection import train_test_split

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


def accuracy(logits, targets):
    return (logits.argmax(dim=1) == targets).float().mean().item()


# 1. Two models, the same four examples, the same predicted classes: one is sure, one is hesitant.
targets = torch.tensor([0, 1, 2, 0], device=device)
sure = torch.tensor([[4.0, 0, 0], [0, 4, 0], [0, 0, 4], [0, 4, 0]], device=device)  # last one: sure and wrong
hesitant = torch.tensor([[0.4, 0, 0], [0, 0.4, 0], [0, 0, 0.4], [0, 0.4, 0]], device=device)
for name, logits in [("sure", sure), ("hesitant", hesitant)]:
    print(f"{name:9s} accuracy {accuracy(logits, targets):.2f}  loss {F.cross_entropy(logits, targets).item():.3f}")
assert accuracy(sure, targets) == accuracy(hesitant, targets) == 0.75
# the sure model pays for its one confident mistake: -log(e^0 / (e^4 + 2)) = 4.04 on that example
assert F.cross_entropy(sure, targets) > F.cross_entropy(hesitant, targets)

# 2. A real model: softmax regression on three overlapping clusters (generated, deterministic)
X, y = make_blobs(n_samples=900, centers=3, cluster_std=1.5, random_state=0)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
X_train, X_val = (torch.tensor(a, dtype=torch.float32, device=device) for a in (X_train, X_val))
y_train, y_val = (torch.tensor(a, device=device) for a in (y_train, y_val))
model = torch.nn.Linear(2, 3).to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=0.1)
for step in range(300):
    optimizer.zero_grad()
    F.cross_entropy(model(X_train), y_train).backward()
    optimizer.step()

# Scaling the logits by a temperature T > 0 never changes the argmax, so never the accuracy,
# but it makes the model more (T < 1) or less (T > 1) confident, and the loss sees that.
with torch.no_grad():
    val_logits = model(X_val)
temperatures = torch.logspace(-1.3, 1.3, 60).tolist()  # 0.05 ... 20
val_losses = [F.cross_entropy(val_logits / T, y_val).item() for T in temperatures]
val_accs = [accuracy(val_logits / T, y_val) for T in temperatures]
loss_at_1 = F.cross_entropy(val_logits, y_val).item()
print(f"validation accuracy {val_accs[0]:.3f} at every temperature; "
      f"loss from {min(val_losses):.3f} to {max(val_losses):.3f} (T = 1: {loss_at_1:.3f})")
assert max(val_accs) == min(val_accs)
print(f"T = 0.05 (overconfident): loss {val_losses[0]:.3f};  T = 20 (almost uniform): loss {val_losses[-1]:.3f}")
assert val_losses[0] > 4 * loss_at_1  # too sure: every mistake is a confident one
assert loss_at_1 + 0.3 < val_losses[-1] < math.log(3)  # too unsure: towards log(3), a uniform guess over 3 classes

fig, ax = plt.subplots(figsize=(7, 3.5))
ax.plot(temperatures, val_losses, color="tab:red", label="validation loss")
ax.plot(temperatures, val_accs, color="tab:blue", label="validation accuracy")
ax.axvline(1.0, color="gray", linestyle="--", linewidth=0.8)
ax.set_xscale("log")
ax.set_xlabel("temperature T (logits divided by T)")
ax.set_title("Same predictions, different confidence: accuracy flat, loss not")
ax.legend()
fig.tight_layout()
plt.show()
