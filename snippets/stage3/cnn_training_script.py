# roadmap 3.2.4: a complete training script (train / validate / keep the best checkpoint)
import matplotlib.pyplot as plt
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
    # channels_last (NHWC): the memory layout oneDNN's CPU convolutions prefer; same model
    model = model.to(device, memory_format=torch.channels_last)
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.Adam(model.parameters(), lr=0.002, fused=True)  # fused: each parameter's whole Adam update in one kernel
    scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=4, gamma=0.3)

    best_acc = 0.0
    history = {"train loss": [], "train acc": [], "val loss": [], "val acc": []}
    print(f"{'epoch':>5} {'lr':>8} {'train loss':>10} {'train acc':>9} {'val loss':>8} {'val acc':>7}")
    for epoch in range(num_epochs):
        lr = scheduler.get_last_lr()[0]
        train_loss, train_acc = train_epoch(model, train_loader, criterion, optimizer, device)
        val_loss, val_acc = validate(model, val_loader, criterion, device)
        for key, value in zip(history, (train_loss, train_acc, val_loss, val_acc)):
            history[key].append(value)
        marker = ""
        if val_acc > best_acc:  # keep the weights of the best epoch, not the last one
            best_acc = val_acc
            torch.save(model.state_dict(), "best_model.pth")
            marker = "  * saved"
        print(f"{epoch + 1:>5} {lr:>8.5f} {train_loss:>10.4f} {train_acc:>8.2f}% {val_loss:>8.4f} {val_acc:>6.2f}%{marker}")
        scheduler.step()  # once per epoch, after the optimizer steps
    print(f"best validation accuracy: {best_acc:.2f}%")
    return best_acc, history


class SmallCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(inplace=True), nn.MaxPool2d(2),   # 16 -> 8
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(inplace=True), nn.MaxPool2d(2),  # 8 -> 4
        )
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(0.3), nn.Linear(32 * 4 * 4, num_classes))

    def forward(self, x):
        return self.classifier(self.features(x))


# Data: real 8x8 digits upscaled to 16x16 (more pixels add cost, not detail), split into train / val / test.
digits = load_digits()
images = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0
images = F.interpolate(images, size=(16, 16), mode="bilinear", align_corners=False)
images = (images - 0.5) / 0.5  # roughly zero-centered inputs
labels = torch.tensor(digits.target)
# sklearn's 1,797 digits hold no duplicate image, so a random split cannot put a copy on both sides.
assert len({im.numpy().tobytes() for im in images}) == len(images)
perm = torch.randperm(len(images), generator=torch.Generator().manual_seed(0))
train_idx, val_idx, test_idx = perm[:1200], perm[1200:1500], perm[1500:]
# leak check: no validation or test digit is a training digit, pixel for pixel.
seen = {im.numpy().tobytes() for im in images[train_idx]}
assert not {im.numpy().tobytes() for im in images[torch.cat([val_idx, test_idx])]} & seen

train_loader = DataLoader(TensorDataset(images[train_idx], labels[train_idx]), batch_size=64, shuffle=True)
val_loader = DataLoader(TensorDataset(images[val_idx], labels[val_idx]), batch_size=256)
test_loader = DataLoader(TensorDataset(images[test_idx], labels[test_idx]), batch_size=256)

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
best_val_acc, history = train_model(SmallCNN(), train_loader, val_loader, num_epochs=10, device=device)

# The test set was never used for any decision: evaluate the saved best model on it exactly once.
best_model = SmallCNN().to(device, memory_format=torch.channels_last)
best_model.load_state_dict(torch.load("best_model.pth", map_location=device))
_, reloaded_val_acc = validate(best_model, val_loader, nn.CrossEntropyLoss(), device)
_, test_acc = validate(best_model, test_loader, nn.CrossEntropyLoss(), device)
print(f"reloaded best model: val {reloaded_val_acc:.2f}%, test {test_acc:.2f}%")

assert reloaded_val_acc == best_val_acc  # the checkpoint really holds the best epoch
assert best_val_acc >= 95.0 and test_acc >= 95.0

# Evaluation as a habit. 1) Curves: train and validation, loss and accuracy, per epoch.
epochs = range(1, len(history["train loss"]) + 1)
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(9, 3.5))
for split, style in (("train", "-o"), ("val", "-s")):
    ax_loss.plot(epochs, history[f"{split} loss"], style, label=split)
    ax_acc.plot(epochs, history[f"{split} acc"], style, label=split)
ax_loss.set(title="Loss per epoch", xlabel="epoch", ylabel="cross-entropy")
ax_acc.set(title="Accuracy per epoch", xlabel="epoch", ylabel="accuracy (%)")
ax_loss.legend()
ax_acc.legend()
fig.suptitle("Training curves: train vs validation")
plt.tight_layout()
plt.show()

# 2) and 3) look at the best model's errors on the VALIDATION digits: they inform the next change,
# so they must not come from the test set (which stays untouched for the final number above).
best_model.eval()
with torch.no_grad():
    val_images, val_labels = images[val_idx].to(device), labels[val_idx].to(device)
    probs = F.softmax(best_model(val_images), dim=1)
confidence, predicted = probs.max(1)
confusion = torch.zeros(10, 10, dtype=torch.long)
for true, pred in zip(val_labels.tolist(), predicted.tolist()):
    confusion[true, pred] += 1
assert confusion.sum() == len(val_idx)
assert abs(100.0 * confusion.trace().item() / len(val_idx) - best_val_acc) < 1e-9  # the same accuracy as above
print("confusion matrix (rows: true digit, columns: predicted):")
print(confusion)

fig, ax = plt.subplots(figsize=(6, 5))
ax.imshow(confusion, cmap="Blues")
for i in range(10):
    for j in range(10):
        if confusion[i, j]:
            ax.text(j, i, confusion[i, j].item(), ha="center", va="center",
                    color="white" if confusion[i, j] > confusion.max() / 2 else "black", fontsize=8)
ax.set(title="Confusion matrix on the validation digits", xlabel="predicted digit", ylabel="true digit",
       xticks=range(10), yticks=range(10))
plt.tight_layout()
plt.show()

# The most confident mistakes: wrong predictions sorted by the probability the model gave them.
wrong = torch.nonzero(predicted != val_labels).squeeze(1)
wrong = wrong[confidence[wrong].argsort(descending=True)]
print(f"{len(wrong)} validation mistakes; most confident first:",
      [(labels[val_idx][i].item(), predicted[i].item(), round(confidence[i].item(), 2)) for i in wrong[:8]])
assert len(wrong) == len(val_idx) - confusion.trace().item()
shown = wrong[:8]
fig, axes = plt.subplots(1, 8, figsize=(9, 1.9))
for ax in axes:
    ax.axis("off")
for ax, i in zip(axes, shown.tolist()):
    ax.imshow(val_images[i, 0].cpu(), cmap="gray_r")
    ax.set_title(f"true {val_labels[i].item()}\npred {predicted[i].item()} ({confidence[i].item():.0%})", fontsize=8)
fig.suptitle("Most confident mistakes on the validation digits", fontsize=10)
plt.tight_layout()
plt.show()
