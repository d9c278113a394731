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

# Digits, deduplicated on the pixels. The labels will be SHUFFLED: they then carry no information,
# so every model's true accuracy on new images is 10 % (chance), and any higher score is luck.
digits = load_digits()
_, keep = np.unique(digits.data, axis=0, return_index=True)  # one copy of each distinct image
X_all, y_all = digits.data[np.sort(keep)] / 16.0, digits.target[np.sort(keep)]


def accuracy(model, X, y):
    with torch.no_grad():
        return (model(X).argmax(1) == y).float().mean().item()


buggy_reports, fixed_reports = [], []
for repeat in range(5):  # five shuffles and splits, so that the averages below are not one lucky draw
    y_shuffled = np.random.default_rng(repeat).permutation(y_all)
    # 600 training images are plenty here (there is nothing to learn); 100 validation, 100 test
    X_train, X_rest, y_train, y_rest = train_test_split(X_all, y_shuffled, train_size=600, test_size=200,
                                                        random_state=repeat)
    X_val, X_test, y_val, y_test = train_test_split(X_rest, y_rest, test_size=100, random_state=repeat)
    # leak check: no validation or test image is a training image, pixel for pixel.
    assert not {r.tobytes() for r in X_val} & {r.tobytes() for r in X_train}
    assert not {r.tobytes() for r in X_test} & ({r.tobytes() for r in X_train} | {r.tobytes() for r in X_val})
    X_train, X_val, X_test = (torch.tensor(a, dtype=torch.float32, device=device) for a in (X_train, X_val, X_test))
    y_train, y_val, y_test = (torch.tensor(a, device=device) for a in (y_train, y_val, y_test))

    # A small hyperparameter search: 3 widths x 3 learning rates x 4 seeds = 36 candidates
    candidates = []
    for width, lr, seed in itertools.product([16, 32, 64], [1e-3, 3e-3, 1e-2], range(4)):
        torch.manual_seed(seed)
        model = nn.Sequential(nn.Linear(64, width), nn.ReLU(), nn.Linear(width, 10)).to(device)
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        for step in range(5):
            optimizer.zero_grad()
            F.cross_entropy(model(X_train), y_train).backward()
            optimizer.step()
        candidates.append((accuracy(model, X_val, y_val), accuracy(model, X_test, y_test)))

    # The bug: choose the candidate with the best TEST accuracy and report that same number
    buggy_reports.append(max(test for _, test in candidates))
    # The fix: choose on VALIDATION, then look at the test set once, for the chosen model only
    chosen = max(range(len(candidates)), key=lambda i: candidates[i][0])
    fixed_reports.append(candidates[chosen][1])

buggy_report, fixed_report = float(np.mean(buggy_reports)), float(np.mean(fixed_reports))
print("selected on test:       reported test accuracy", [round(a, 2) for a in buggy_reports], f"mean {buggy_report:.3f}")
print("selected on validation: reported test accuracy", [round(a, 2) for a in fixed_reports], f"mean {fixed_report:.3f}")
print("the truth for every candidate: 0.100 (the labels are noise)")
assert buggy_report >= 0.14  # at least 4 points above chance, by luck alone: an optimistic report
assert abs(fixed_report - 0.10) <= 0.03  # the test score of the val-chosen model is an honest estimate
assert buggy_report - fixed_report >= 0.03
