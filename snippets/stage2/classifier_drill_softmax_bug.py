# exercise added by this site (lesson 2.4): find the bug, a softmax applied before CrossEntropyLoss
import math

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

# Digits, deduplicated on the pixels (what the model reads), images with two labels dropped
digits = load_digits()
labels_of = {}
for row, label in zip(digits.data, digits.target):
    labels_of.setdefault(row.tobytes(), set()).add(int(label))
seen, keep = set(), []
for i, row in enumerate(digits.data):
    if len(labels_of[row.tobytes()]) == 1 and row.tobytes() not in seen:
        seen.add(row.tobytes())
        keep.append(i)
X_train, X_test, y_train, y_test = train_test_split(
    digits.data[keep] / 16.0, digits.target[keep], test_size=0.25, random_state=0, stratify=digits.target[keep])
# leak check: no test image is a training image, pixel for pixel.
assert not {r.tobytes() for r in X_test} & {r.tobytes() for r in X_train}
X_train, X_test = (torch.tensor(a, dtype=torch.float32, device=device) for a in (X_train, X_test))
y_train, y_test = (torch.tensor(a, device=device) for a in (y_train, y_test))

criterion = nn.CrossEntropyLoss()
torch.manual_seed(0)
buggy = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10), nn.Softmax(dim=1)).to(device)  # the bug
torch.manual_seed(0)
fixed = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10)).to(device)  # logits out

# The buggy loss has a floor: CrossEntropyLoss applies log-softmax again to numbers in [0, 1].
# Even a perfect one-hot "probability" gives -log(e / (e + 9)) = log(1 + 9 / e).
floor = math.log(1 + 9 / math.e)
print(f"the lowest loss the buggy model can ever reach: {floor:.4f}")

results = {}
for name, model in [("softmax + CrossEntropyLoss (bug)", buggy), ("logits + CrossEntropyLoss (fix)", fixed)]:
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    grad_norms = []
    for step in range(300):  # full batch, 300 steps
        optimizer.zero_grad()
        loss = criterion(model(X_train), y_train)
        loss.backward()
        grad_norms.append(model[2].weight.grad.norm().item())
        optimizer.step()
    with torch.no_grad():
        test_acc = (model(X_test).argmax(1) == y_test).float().mean().item()
    results[name] = (loss.item(), test_acc, grad_norms[0])
    print(f"{name:32s} final train loss {loss.item():.4f}  test accuracy {test_acc:.3f}  "
          f"first gradient norm (last layer) {grad_norms[0]:.4f}")

bug_loss, bug_acc, bug_grad = results["softmax + CrossEntropyLoss (bug)"]
fix_loss, fix_acc, fix_grad = results["logits + CrossEntropyLoss (fix)"]
assert bug_loss > floor  # stuck above the floor, however long it trains
assert fix_loss < 0.1
assert bug_grad < fix_grad / 5  # the extra softmax squashes the gradient from the first step
assert fix_acc >= 0.95 and fix_acc > bug_acc  # and accuracy may hide the bug: read the loss too
