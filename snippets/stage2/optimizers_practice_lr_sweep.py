# exercise added by this site (lesson 2.3): sweeping the SGD learning rate, the first thing to tune
import copy

import torch
from sklearn.datasets import load_digits
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

digits = load_digits()
X = torch.tensor(digits.data / 16.0, dtype=torch.float32)
y = torch.tensor(digits.target)
order = torch.randperm(len(X))
X_train, y_train = X[order[:1437]].to(device), y[order[:1437]].to(device)
X_test, y_test = X[order[1437:]].to(device), y[order[1437:]].to(device)

initial_model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10)).to(device)
criterion = nn.CrossEntropyLoss()

print(f"{'lr':>7}{'final train loss':>18}{'test accuracy':>15}")
accuracy, final_loss = {}, {}
for lr in [0.001, 0.01, 0.1, 1.0]:
    model = copy.deepcopy(initial_model)  # same start for every learning rate
    optimizer = optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    loader = DataLoader(TensorDataset(X_train, y_train), batch_size=32, shuffle=True,
                        generator=torch.Generator().manual_seed(0))
    for epoch in range(10):
        model.train()
        for data, target in loader:
            optimizer.zero_grad()
            loss = criterion(model(data), target)
            loss.backward()
            optimizer.step()
    model.eval()
    with torch.no_grad():
        accuracy[lr] = (model(X_test).argmax(1) == y_test).float().mean().item()
    final_loss[lr] = loss.item()  # the loss of the last batch
    print(f"{lr:>7}{final_loss[lr]:>18.4f}{accuracy[lr]:>15.3f}")

best = max(accuracy, key=accuracy.get)
print(f"best learning rate: {best}")
# Too small learns slowly: the loss is still above 1.5 (it starts near ln(10) = 2.3).
# Too large overshoots: the loss stays above 1.5 and the accuracy below 50%.
# The best rate sits in between, ahead of both ends by more than 10 points of accuracy.
assert final_loss[0.001] > 1.5 and final_loss[1.0] > 1.5 and accuracy[1.0] < 0.5
assert best in (0.01, 0.1) and accuracy[best] > max(accuracy[0.001], accuracy[1.0]) + 0.1
