# roadmap 2.3.1: five optimizers on the same problem, from the same starting weights
import copy

import matplotlib.pyplot as plt
import torch
from sklearn.datasets import load_digits
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

# Real data: handwritten digits, 64 pixel features in [0, 1]; a fixed 80/20 train/validation split.
# Comparing optimizers is a choice, so it is made on validation data, never on a test set.
digits = load_digits()
X = torch.tensor(digits.data / 16.0, dtype=torch.float32)
y = torch.tensor(digits.target)
order = torch.randperm(len(X))
train_idx, val_idx = order[:1437], order[1437:]
X_train, y_train = X[train_idx].to(device), y[train_idx].to(device)
X_val, y_val = X[val_idx].to(device), y[val_idx].to(device)
# leak check: no validation image is also a training image (sklearn's digits hold no duplicates)
assert not {tuple(row) for row in X_val.tolist()} & {tuple(row) for row in X_train.tolist()}

# One small MLP; every optimizer starts from a copy of exactly these weights
initial_model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10)).to(device)
criterion = nn.CrossEntropyLoss()
num_epochs = 10

# The roadmap's five optimizers, with its hyperparameters
optimizer_factories = {
    "SGD + momentum": lambda params: optim.SGD(params, lr=0.01, momentum=0.9, weight_decay=5e-4),
    "Adam": lambda params: optim.Adam(params, lr=0.001, betas=(0.9, 0.999)),
    "AdamW": lambda params: optim.AdamW(params, lr=0.001, weight_decay=0.01),
    "RMSprop": lambda params: optim.RMSprop(params, lr=0.01, alpha=0.99),
    "Adagrad": lambda params: optim.Adagrad(params, lr=0.01),
}


def train(model, optimizer):
    """The generic loop from the previous snippet; returns the mean training loss of every epoch."""
    # The same shuffling order for every optimizer, so only the update rule differs
    loader = DataLoader(TensorDataset(X_train, y_train), batch_size=64, shuffle=True,
                        generator=torch.Generator().manual_seed(0))
    epoch_losses = []
    for epoch in range(num_epochs):
        model.train()
        total = 0.0
        for data, target in loader:
            optimizer.zero_grad()
            loss = criterion(model(data), target)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(target)
        epoch_losses.append(total / len(X_train))
    return epoch_losses


results = {}
for name, make_optimizer in optimizer_factories.items():
    model = copy.deepcopy(initial_model)  # same starting point for everyone
    losses = train(model, make_optimizer(model.parameters()))
    model.eval()
    with torch.no_grad():
        val_acc = (model(X_val).argmax(1) == y_val).float().mean().item()
    results[name] = (losses, val_acc)

print(f"{'optimizer':<16}{'final train loss':>18}{'val accuracy':>15}")
for name, (losses, val_acc) in results.items():
    print(f"{name:<16}{losses[-1]:>18.4f}{val_acc:>15.3f}")

# Every optimizer learns the task from the same start
for name, (losses, val_acc) in results.items():
    assert losses[-1] < losses[0], name
    assert val_acc >= 0.85, (name, val_acc)
# At these learning rates RMSprop has the lowest loss after the first epoch and at the end
for epoch in (0, num_epochs - 1):
    assert min(results, key=lambda name: results[name][0][epoch]) == "RMSprop", epoch
# Adam and AdamW nearly coincide in every epoch: the decoupled decay is tiny
steps = num_epochs * -(-len(X_train) // 64)  # batches per epoch, rounded up, times epochs
gap = max(abs(a - b) for a, b in zip(results["Adam"][0], results["AdamW"][0]))
print(f"{steps} optimizer steps; largest Adam/AdamW loss gap in any epoch: {gap:.5f}")
assert steps == 230 and gap < 0.01

plt.figure(figsize=(8, 4))
for name, (losses, _) in results.items():
    # AdamW's curve sits on Adam's: dashed so both stay visible
    style = "--" if name == "AdamW" else "-"
    plt.plot(range(1, num_epochs + 1), losses, style, marker="o", markersize=3, label=name)
plt.yscale("log")
plt.title("Five optimizers, same MLP, same initial weights (digits)")
plt.xlabel("epoch")
plt.ylabel("training loss (log scale)")
plt.legend()
plt.grid(True, alpha=0.3)
plt.show()
