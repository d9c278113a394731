# roadmap 3.2.4: a complete training script (train / validate / keep the best checkpoint)
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)


def train_epoch(model, train_loader, criterion, optimizer, device):
    model.train()  # enables dropout / batch-norm updates
    running_loss, correct, total = 0.0, 0, 0
    for data, target in train_loader:
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        output = model(data)
        loss = criterion(output, target)
        loss.backward()
        optimizer.step()

        running_loss += loss.item() * target.size(0)
        correct += (output.argmax(1) == target).sum().item()
        total += target.size(0)
    return running_loss / total, 100.0 * correct / total


@torch.no_grad()  # no graph needed for evaluation: faster and less memory
def validate(model, loader, criterion, device):
    model.eval()
    total_loss, correct, total = 0.0, 0, 0
    for data, target in loader:
        data, target = data.to(device), target.to(device)
        output = model(data)
        total_loss += criterion(output, target).item() * target.size(0)
        correct += (output.argmax(1) == target).sum().item()
        total += target.size(0)
    return total_loss / total, 100.0 * correct / total


def train_model(model, train_loader, val_loader, num_epochs=10, device=torch.device("cpu")):
    model = model.to(device)
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.Adam(model.parameters(), lr=0.001)
    scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=4, gamma=0.3)

    best_acc = 0.0
    print(f"{'epoch':>5} {'lr':>8} {'train loss':>10} {'train acc':>9} {'val loss':>8} {'val acc':>7}")
    for epoch in range(num_epochs):
        lr = scheduler.get_last_lr()[0]
        train_loss, train_acc = train_epoch(model, train_loader, criterion, optimizer, device)
        val_loss, val_acc = validate(model, val_loader, criterion, device)
        marker = ""
        if val_acc > best_acc:  # keep the weights of the best epoch, not the last one
            best_acc = val_acc
            torch.save(model.state_dict(), "best_model.pth")
            marker = "  * saved"
        print(f"{epoch + 1:>5} {lr:>8.5f} {train_loss:>10.4f} {train_acc:>8.2f}% {val_loss:>8.4f} {val_acc:>6.2f}%{marker}")
        scheduler.step()  # once per epoch, after the optimizer steps
    print(f"best validation accuracy: {best_acc:.2f}%")
    return best_acc


class SmallCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),   # 28 -> 14
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),  # 14 -> 7
        )
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(0.3), nn.Linear(32 * 7 * 7, num_classes))

    def forward(self, x):
        return self.classifier(self.features(x))


# Data: real 8x8 digits upscaled to 28x28, split into train / validation / test.
digits = load_digits()
images = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0
images = F.interpolate(images, size=(28, 28), mode="bilinear", align_corners=False)
images = (images - 0.5) / 0.5  # roughly zero-centered inputs
labels = torch.tensor(digits.target)
perm = torch.randperm(len(images), generator=torch.Generator().manual_seed(0))
train_idx, val_idx, test_idx = perm[:1200], perm[1200:1500], perm[1500:]

train_loader = DataLoader(TensorDataset(images[train_idx], labels[train_idx]), batch_size=64, shuffle=True)
val_loader = DataLoader(TensorDataset(images[val_idx], labels[val_idx]), batch_size=256)
test_loader = DataLoader(TensorDataset(images[test_idx], labels[test_idx]), batch_size=256)

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
best_val_acc = train_model(SmallCNN(), train_loader, val_loader, num_epochs=10, device=device)

# The test set was never used for any decision: evaluate the saved best model on it exactly once.
best_model = SmallCNN().to(device)
best_model.load_state_dict(torch.load("best_model.pth", map_location=device))
_, reloaded_val_acc = validate(best_model, val_loader, nn.CrossEntropyLoss(), device)
_, test_acc = validate(best_model, test_loader, nn.CrossEntropyLoss(), device)
print(f"reloaded best model: val {reloaded_val_acc:.2f}%, test {test_acc:.2f}%")

assert reloaded_val_acc == best_val_acc  # the checkpoint really holds the best epoch
assert best_val_acc >= 95.0 and test_acc >= 95.0
