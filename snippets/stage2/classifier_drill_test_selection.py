# exercise added by this site (lesson 2.4): find the bug, the test set used for model selection
import itertools

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(0)
np.random.seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

# Digits, deduplicated on the pixels; then the labels are SHUFFLED: they carry no information,
# so every model's true accuracy on new images is 10 % (chance), and any higher score is luck.
digits = load_digits()
_, keep = np.unique(digits.data, axis=0, return_index=True)  # one copy of each distinct image
X = digits.data[np.sort(keep)] / 16.0
y = np.random.default_rng(0).permutation(digits.target[np.sort(keep)])
X_train, X_rest, y_train, y_rest = train_test_split(X, y, test_size=300, random_state=0)
X_val, X_test, y_val, y_test = train_test_split(X_rest, y_rest, test_size=100, random_state=0)
# leak check: no validation or test image is a training image, pixel for pixel.
assert not {r.tobytes() for r in X_val} & {r.tobytes() for r in X_train}
assert not {r.tobytes() for r in X_test} & ({r.tobytes() for r in X_train} | {r.tobytes() for r in X_val})
X_train, X_val, X_test = (torch.tensor(a, dtype=torch.float32, device=device) for a in (X_train, X_val, X_test))
y_train, y_val, y_test = (torch.tensor(a, device=device) for a in (y_train, y_val, y_test))


def accuracy(model, X, y):
    with torch.no_grad():
        return (model(X).argmax(1) == y).float().mean().item()


# A small hyperparameter search: 4 widths x 3 learning rates x 4 seeds = 48 candidates
candidates = []
for width, lr, seed in itertools.product([16, 32, 64, 128], [1e-3, 3e-3, 1e-2], range(4)):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(64, width), nn.ReLU(), nn.Linear(width, 10)).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for step in range(40):
        optimizer.zero_grad()
        F.cross_entropy(model(X_train), y_train).backward()
        optimizer.step()
    candidates.append((accuracy(model, X_val, y_val), accuracy(model, X_test, y_test)))

# The bug: choose the candidate with the best TEST accuracy and report that same number
buggy_report = max(test for _, test in candidates)
# The fix: choose on VALIDATION, then look at the test set once, for the chosen model only
chosen_val, fixed_report = max(candidates)
print(f"selected on test:       reported test accuracy {buggy_report:.3f}  (truth: 0.100)")
print(f"selected on validation: validation {chosen_val:.3f}, reported test accuracy {fixed_report:.3f}")
assert buggy_report >= 0.15  # at least 5 points above chance, by luck alone: an optimistic report
assert abs(fixed_report - 0.10) <= 0.03  # the test score of the val-chosen model is an honest estimate
# (the chosen model's validation score is lucky in the same way: that is why it is not the reported number)
