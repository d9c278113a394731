# roadmap 2.3.2 (in a training loop): ReduceLROnPlateau driven by a real validation loss
import torch
from sklearn.datasets import load_digits
from torch import nn, optim
from torch.optim.lr_scheduler import ReduceLROnPlateau
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

digits = load_digits()
X = torch.tensor(digits.data / 16.0, dtype=torch.float32)
y = torch.tensor(digits.target)
order = torch.randperm(len(X))
train_set = TensorDataset(X[order[:1437]], y[order[:1437]])
val_set = TensorDataset(X[order[1437:]], y[order[1437:]])
# leak check: no validation image is also a training image (sklearn's digits hold no duplicates)
assert not {tuple(row) for row in val_set.tensors[0].tolist()} & {tuple(row) for row in train_set.tensors[0].tolist()}
train_loader = DataLoader(train_set, batch_size=64, shuffle=True)
val_loader = DataLoader(val_set, batch_size=360)

model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10)).to(device)
criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
# Cut the rate by 10x when the validation loss has not improved for 2 epochs
scheduler = ReduceLROnPlateau(optimizer, mode="min", factor=0.1, patience=2)
num_epochs = 20


def train(model, loader):
    model.train()
    for data, target in loader:
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        loss = criterion(model(data), target)
        loss.backward()
        optimizer.step()


def validate(model, loader):
    model.eval()
    total_loss, correct = 0.0, 0
    with torch.no_grad():
        for data, target in loader:
            data, target = data.to(device), target.to(device)
            output = model(data)
            total_loss += criterion(output, target).item() * len(target)
            correct += (output.argmax(1) == target).sum().item()
    return total_loss / len(loader.dataset), correct / len(loader.dataset)


lr_history = []
for epoch in range(num_epochs):
    lr_history.append(optimizer.param_groups[0]["lr"])
    train(model, train_loader)
    val_loss, val_acc = validate(model, val_loader)
    scheduler.step(val_loss)  # ReduceLROnPlateau needs the metric; StepLR & co. take no argument
    print(f"epoch {epoch + 1:2d}  lr {lr_history[-1]:.4f}  val loss {val_loss:.4f}  val acc {val_acc:.3f}")

cuts = sum(1 for before, after in zip(lr_history, lr_history[1:]) if after < before)
print(f"the scheduler cut the learning rate {cuts} time(s); final val accuracy {val_acc:.3f}")
assert cuts >= 1 and val_acc >= 0.93
