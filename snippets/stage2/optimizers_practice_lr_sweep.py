# exercise added by this site (lesson 2.3): sweeping the SGD learning rate, chosen on validation data
import copy

import torch
from sklearn.datasets import load_digits
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

# Three splits: train on one, choose the learning rate on another, report the choice on the third
digits = load_digits()
X = torch.tensor(digits.data / 16.0, dtype=torch.float32)
y = torch.tensor(digits.target)
order = torch.randperm(len(X))
train_idx, val_idx, test_idx = order[:1257], order[1257:1527], order[1527:]
X_train, y_train = X[train_idx].to(device), y[train_idx].to(device)
X_val, y_val = X[val_idx].to(device), y[val_idx].to(device)
X_test, y_test = X[test_idx].to(device), y[test_idx].to(device)
rows = {name: {tuple(r) for r in part.tolist()} for name, part in [("train", X_train), ("val", X_val), ("test", X_test)]}
# leak check: the three splits share no image (sklearn's digits hold no duplicates)
assert not rows["train"] & rows["val"] and not rows["train"] & rows["test"] and not rows["val"] & rows["test"]

initial_model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10)).to(device)
criterion = nn.CrossEntropyLoss()


def accuracy_on(model, X, y):
    model.eval()
    with torch.no_grad():
        return (model(X).argmax(1) == y).float().mean().item()


print(f"{'lr':>7}{'final train loss':>18}{'val accuracy':>14}")
val_acc, final_loss, models = {}, {}, {}
for lr in [0.001, 0.01, 0.1, 1.0]:
    model = copy.deepcopy(initial_model)  # same start for every learning rate
    optimizer = optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    loader = DataLoader(TensorDataset(X_train, y_train), batch_size=32, shuffle=True,
                        generator=torch.Generator().manual_seed(0))
    for epoch in range(10):
        model.train()
        total = 0.0
        for data, target in loader:
            optimizer.zero_grad()
            loss = criterion(model(data), target)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(target)
    final_loss[lr] = total / len(X_train)  # mean training loss of the last epoch
    val_acc[lr] = accuracy_on(model, X_val, y_val)
    models[lr] = model
    print(f"{lr:>7}{final_loss[lr]:>18.4f}{val_acc[lr]:>14.3f}")

best = max(val_acc, key=val_acc.get)  # chosen on validation data only
test_acc = accuracy_on(models[best], X_test, y_test)  # the test set is used once, for the chosen rate
print(f"best learning rate on validation: {best}; its test accuracy: {test_acc:.3f}")
# Too small learns slowly: the loss is still above 1.0 (it starts near ln(10) = 2.3).
# Too large overshoots: the loss stays above 1.0 and the accuracy below 50%.
# The best rate sits in between, ahead of both ends by more than 10 points of accuracy.
assert final_loss[0.001] > 1.0 and final_loss[1.0] > 1.0 and val_acc[1.0] < 0.5
assert best in (0.01, 0.1) and val_acc[best] > max(val_acc[0.001], val_acc[1.0]) + 0.1
assert test_acc >= 0.9
