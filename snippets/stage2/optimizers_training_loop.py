# roadmap 2.3.1: the generic training loop, complete (model, data, loss, optimizer)
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

# Real data: 1,797 handwritten digits, 8x8 pixels flattened to 64 features in [0, 1].
# Three splits: train on one, watch progress on validation, and touch the test set once at the end.
digits = load_digits()
X_rest, X_test, y_rest, y_test = train_test_split(
    digits.data / 16.0, digits.target, test_size=0.2, random_state=0, stratify=digits.target)
X_train, X_val, y_train, y_val = train_test_split(
    X_rest, y_rest, test_size=0.2, random_state=0, stratify=y_rest)
train_rows = {tuple(row) for row in X_train}
# leak check: no validation or test image is also a training image (the digits hold no duplicates)
assert not {tuple(row) for row in X_val} & train_rows and not {tuple(row) for row in X_test} & train_rows
train_set = TensorDataset(torch.tensor(X_train, dtype=torch.float32), torch.tensor(y_train))
val_set = TensorDataset(torch.tensor(X_val, dtype=torch.float32), torch.tensor(y_val))
test_set = TensorDataset(torch.tensor(X_test, dtype=torch.float32), torch.tensor(y_test))
train_loader = DataLoader(train_set, batch_size=32, shuffle=True, generator=torch.Generator().manual_seed(0))
val_loader = DataLoader(val_set, batch_size=256)
test_loader = DataLoader(test_set, batch_size=256)

model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10)).to(device)
criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
num_epochs = 10


def evaluate(model, loader):
    model.eval()  # evaluation mode (matters for dropout and batch norm)
    correct = total = 0
    with torch.no_grad():  # no graph needed: saves memory and time
        for data, target in loader:
            data, target = data.to(device), target.to(device)
            correct += (model(data).argmax(dim=1) == target).sum().item()
            total += len(target)
    return correct / total


for epoch in range(num_epochs):
    model.train()
    running_loss = 0.0
    for data, target in train_loader:
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()  # 1. clear the gradients of the previous step
        output = model(data)  # 2. forward pass
        loss = criterion(output, target)
        loss.backward()  # 3. backward pass: compute the gradients
        optimizer.step()  # 4. update the parameters
        running_loss += loss.item() * len(target)  # .item(): a float, so no graph is kept alive
    train_loss = running_loss / len(train_set)
    if (epoch + 1) % 2 == 0:
        print(f"epoch {epoch + 1:2d}  train loss {train_loss:.4f}  val accuracy {evaluate(model, val_loader):.3f}")

val_acc = evaluate(model, val_loader)
test_acc = evaluate(model, test_loader)  # once, after every decision is made
print(f"final validation accuracy: {val_acc:.3f}, test accuracy: {test_acc:.3f}")
assert val_acc >= 0.90 and test_acc >= 0.90
