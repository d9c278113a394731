# roadmap 4.3.3: early stopping that keeps the best checkpoint
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


class EarlyStopping:
    def __init__(self, patience=7, min_delta=0, path="checkpoint.pth"):
        self.patience = patience
        self.min_delta = min_delta
        self.path = path
        self.counter = 0
        self.best_loss = None
        self.early_stop = False

    def __call__(self, val_loss, model):
        if self.best_loss is None:
            self.best_loss = val_loss
            self.save_checkpoint(model)
        elif val_loss > self.best_loss - self.min_delta:
            self.counter += 1  # no (large enough) improvement
            if self.counter >= self.patience:
                self.early_stop = True
        else:
            self.best_loss = val_loss
            self.save_checkpoint(model)
            self.counter = 0

    def save_checkpoint(self, model):
        torch.save(model.state_dict(), self.path)


def train_epoch(model, loader, optimizer, criterion):
    model.train()
    total = 0.0
    for data, target in loader:
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        loss = criterion(model(data), target)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(data)
    return total / len(loader.dataset)


@torch.no_grad()
def validate(model, loader, criterion):
    model.eval()
    total = 0.0
    for data, target in loader:
        data, target = data.to(device), target.to(device)
        total += criterion(model(data), target).item() * len(data)
    return total / len(loader.dataset)


# Only 200 training digits and a large network: it will overfit, and validation loss will turn up
digits = load_digits()
images = torch.tensor(digits.data, dtype=torch.float32) / 16.0
labels = torch.tensor(digits.target)
order = torch.randperm(len(images))
train_set = TensorDataset(images[order[:200]], labels[order[:200]])
val_set = TensorDataset(images[order[200:700]], labels[order[200:700]])  # for early stopping (selection)
test_set = TensorDataset(images[order[700:]], labels[order[700:]])  # touched once, at the very end
# leak check: no validation or test digit is a training digit, and no test digit is a validation digit.
seen = lambda dataset: {tuple(x.tolist()) for x in dataset.tensors[0]}
assert not (seen(val_set) | seen(test_set)) & seen(train_set) and not seen(test_set) & seen(val_set)
train_loader = DataLoader(train_set, batch_size=32, shuffle=True)
val_loader = DataLoader(val_set, batch_size=250)

model = nn.Sequential(nn.Linear(64, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10)).to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
criterion = nn.CrossEntropyLoss()

num_epochs = 200
early_stopping = EarlyStopping(patience=10)

for epoch in range(num_epochs):
    train_loss = train_epoch(model, train_loader, optimizer, criterion)
    val_loss = validate(model, val_loader, criterion)
    if epoch % 5 == 0:
        print(f"epoch {epoch:3d}  train loss {train_loss:.4f}  val loss {val_loss:.4f}")

    early_stopping(val_loss, model)

    if early_stopping.early_stop:
        print(f"Early stopping triggered at epoch {epoch} (val loss {val_loss:.4f})")
        break

# The model in memory is the *last* one; the checkpoint holds the best one. Load it back.
model.load_state_dict(torch.load("checkpoint.pth", map_location=device, weights_only=True))
best_val_loss = validate(model, val_loader, criterion)
print(f"best checkpoint reloaded: val loss {best_val_loss:.4f}")

# Selection used the validation set only; the test set gives the one honest estimate, once.
with torch.no_grad():
    model.eval()
    test_x, test_y = (t.to(device) for t in test_set.tensors)
    test_acc = (model(test_x).argmax(1) == test_y).float().mean().item()
print(f"test accuracy of the selected checkpoint (measured once): {test_acc:.3f}")

assert early_stopping.early_stop and epoch < num_epochs - 1
assert abs(best_val_loss - early_stopping.best_loss) < 1e-6
assert val_loss > best_val_loss  # stopping late would have cost validation loss
assert test_acc >= 0.8  # 200 training digits are enough for a usable model
