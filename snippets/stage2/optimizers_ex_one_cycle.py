# exercise added by this site (lesson 2.3): OneCycleLR against a constant learning rate
import copy

import matplotlib.pyplot as plt
import torch
from sklearn.datasets import load_digits
from torch import nn, optim
from torch.optim.lr_scheduler import OneCycleLR
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

digits = load_digits()
X = torch.tensor(digits.data / 16.0, dtype=torch.float32)
y = torch.tensor(digits.target)
order = torch.randperm(len(X))
X_train, y_train = X[order[:1437]].to(device), y[order[:1437]].to(device)
X_val, y_val = X[order[1437:]].to(device), y[order[1437:]].to(device)  # comparing is choosing: validation
# leak check: no validation image is also a training image
assert not {tuple(row) for row in X_val.tolist()} & {tuple(row) for row in X_train.tolist()}

initial_model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10)).to(device)
criterion = nn.CrossEntropyLoss()
num_epochs = 10


def run(use_one_cycle):
    model = copy.deepcopy(initial_model)  # same start for both runs
    optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    loader = DataLoader(TensorDataset(X_train, y_train), batch_size=32, shuffle=True,
                        generator=torch.Generator().manual_seed(0))
    scheduler = OneCycleLR(optimizer, max_lr=0.1, steps_per_epoch=len(loader), epochs=num_epochs) \
        if use_one_cycle else None
    lrs = []
    for epoch in range(num_epochs):
        model.train()
        for data, target in loader:
            lrs.append(optimizer.param_groups[0]["lr"])
            optimizer.zero_grad()
            criterion(model(data), target).backward()
            optimizer.step()
            if scheduler is not None:
                scheduler.step()  # OneCycleLR steps after every batch, not every epoch
    model.eval()
    with torch.no_grad():
        accuracy = (model(X_val).argmax(1) == y_val).float().mean().item()
    return accuracy, lrs


constant_acc, constant_lrs = run(use_one_cycle=False)
cycle_acc, cycle_lrs = run(use_one_cycle=True)
print(f"constant lr=0.1: validation accuracy {constant_acc:.3f}")
print(f"OneCycleLR(max_lr=0.1): validation accuracy {cycle_acc:.3f}")
# Both train well; on a problem this small the difference is within a couple of validation images,
# so the honest answer to "does it beat the constant rate?" is: not measurably, here.
assert constant_acc >= 0.95 and cycle_acc >= 0.95
assert abs(cycle_acc - constant_acc) < 0.02
assert max(cycle_lrs) <= 0.1 + 1e-9 and cycle_lrs[-1] < 1e-4 and len(cycle_lrs) == 10 * 45

fig, ax = plt.subplots(figsize=(7, 3))
ax.plot(constant_lrs, label=f"constant (val acc {constant_acc:.3f})")
ax.plot(cycle_lrs, label=f"OneCycleLR (val acc {cycle_acc:.3f})")
ax.set_title("Learning rate per batch: constant vs OneCycleLR")
ax.set_xlabel("batch")
ax.set_ylabel("learning rate")
ax.legend()
plt.tight_layout()
plt.show()
