# exercise added by this site (lesson 2.4): calibrate an overconfident digits classifier with temperature scaling
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

# Digits, deduplicated on the pixels, images with two labels dropped; train / validation / test
digits = load_digits()
labels_of = {}
for row, label in zip(digits.data, digits.target):
    labels_of.setdefault(row.tobytes(), set()).add(int(label))
seen, keep = set(), []
for i, row in enumerate(digits.data):
    if len(labels_of[row.tobytes()]) == 1 and row.tobytes() not in seen:
        seen.add(row.tobytes())
        keep.append(i)
X, y = digits.data[keep] / 16.0, digits.target[keep]
X_train, X_rest, y_train, y_rest = train_test_split(X, y, test_size=0.4, random_state=0, stratify=y)
X_val, X_test, y_val, y_test = train_test_split(X_rest, y_rest, test_size=0.5, random_state=0, stratify=y_rest)
# leak check: no validation or test image is a training image, pixel for pixel.
assert not {r.tobytes() for r in X_val} & {r.tobytes() for r in X_train}
assert not {r.tobytes() for r in X_test} & ({r.tobytes() for r in X_train} | {r.tobytes() for r in X_val})
X_train, X_val, X_test = (torch.tensor(a, dtype=torch.float32, device=device) for a in (X_train, X_val, X_test))
y_train, y_val, y_test = (torch.tensor(a, device=device) for a in (y_train, y_val, y_test))

# Train far past the point of fitting the training set: the logits keep growing, the model grows overconfident
model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10)).to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
for step in range(1000):
    optimizer.zero_grad()
    F.cross_entropy(model(X_train), y_train).backward()
    optimizer.step()
model.eval()
with torch.no_grad():
    val_logits, test_logits = model(X_val), model(X_test)

# Fit one number, the temperature T, on the VALIDATION set: the T that minimizes the validation loss
temperatures = np.exp(np.linspace(np.log(0.25), np.log(8.0), 121))
val_losses = [F.cross_entropy(val_logits / T, y_val).item() for T in temperatures]
T = float(temperatures[int(np.argmin(val_losses))])


def report(logits, name):
    loss = F.cross_entropy(logits, y_test).item()
    acc = (logits.argmax(1) == y_test).float().mean().item()
    confidence = F.softmax(logits, dim=1).max(1).values.mean().item()
    print(f"{name:16s} test loss {loss:.3f}  test accuracy {acc:.3f}  mean confidence {confidence:.3f}")
    return loss, acc, confidence


print(f"temperature chosen on validation: T = {T:.2f}")
loss_before, acc_before, conf_before = report(test_logits, "before (T = 1)")
loss_after, acc_after, conf_after = report(test_logits / T, f"after (T = {T:.2f})")
assert T > 1.2  # the model was overconfident: the best temperature softens it
assert acc_after == acc_before  # dividing by T > 0 keeps every argmax
assert loss_after < loss_before - 0.01  # and the test loss drops, on data T was not fitted on
assert abs(conf_after - acc_after) < abs(conf_before - acc_before)  # confidence closer to the real accuracy
