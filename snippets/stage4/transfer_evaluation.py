# Evaluation as a habit: learning curves, a confusion matrix and the most confident mistakes of a fine-tuned model
import copy

import matplotlib.pyplot as plt
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

digits = load_digits()
images = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0  # (N, 1, 8, 8) in [0, 1]
labels = torch.tensor(digits.target)
is_source = labels < 5
source_x, source_y = images[is_source].to(device), labels[is_source].to(device)
target_x, target_y = images[~is_source], labels[~is_source] - 5  # the new task: digits 5-9 as classes 0-4

# Per class: 30 images to train on, 20 to choose the epoch with (validation), the rest to test once
generator = torch.Generator().manual_seed(0)
parts = {"train": [], "val": [], "test": []}
for c in range(5):
    idx = torch.nonzero(target_y == c).flatten()
    idx = idx[torch.randperm(len(idx), generator=generator)]
    parts["train"].append(idx[:30]), parts["val"].append(idx[30:50]), parts["test"].append(idx[50:])
train_x, train_y = (t[torch.cat(parts["train"])].to(device) for t in (target_x, target_y))
val_x, val_y = (t[torch.cat(parts["val"])].to(device) for t in (target_x, target_y))
test_x, test_y = (t[torch.cat(parts["test"])].to(device) for t in (target_x, target_y))
# leak check: no validation or test digit is a training digit, and no test digit is a validation digit.
seen = lambda x: {tuple(r) for r in x.flatten(1).tolist()}
assert not (seen(val_x) | seen(test_x)) & seen(train_x) and not seen(test_x) & seen(val_x)


class SmallCNN(nn.Module):
    def __init__(self, num_classes=5):
        super().__init__()
        self.block1 = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU())
        self.block2 = nn.Sequential(nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.block3 = nn.Sequential(nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten())
        self.fc = nn.Linear(32 * 2 * 2, num_classes)

    def forward(self, x):
        return self.fc(self.block3(self.block2(self.block1(x))))


# Pretrain on digits 0-4 (the stand-in for ImageNet), then replace the head
model = SmallCNN().to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
for _ in range(150):
    batch = torch.randint(len(source_x), (64,), device=device)
    loss = F.cross_entropy(model(source_x[batch]), source_y[batch])
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
model.fc = nn.Linear(model.fc.in_features, 5).to(device)

# Fine-tune everything with discriminative learning rates, and measure train AND validation every epoch
backbone = [p for name, p in model.named_parameters() if not name.startswith("fc")]
optimizer = torch.optim.SGD([{"params": backbone, "lr": 0.001}, {"params": model.fc.parameters(), "lr": 0.01}],
                            momentum=0.9)


@torch.no_grad()
def evaluate(x, y):
    model.eval()
    logits = model(x)
    return F.cross_entropy(logits, y).item(), (logits.argmax(1) == y).float().mean().item()


history = {"train loss": [], "val loss": [], "train acc": [], "val acc": []}
best_val_loss, best_state, best_epoch = float("inf"), None, -1
for epoch in range(30):
    model.train()
    for batch in torch.randperm(len(train_x), device=device).split(30):
        loss = F.cross_entropy(model(train_x[batch]), train_y[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    for split, (x, y) in {"train": (train_x, train_y), "val": (val_x, val_y)}.items():
        split_loss, split_acc = evaluate(x, y)
        history[f"{split} loss"].append(split_loss)
        history[f"{split} acc"].append(split_acc)
    if history["val loss"][-1] < best_val_loss:  # choose on validation, never on test
        best_val_loss, best_state, best_epoch = history["val loss"][-1], copy.deepcopy(model.state_dict()), epoch
print(f"best epoch on validation: {best_epoch + 1} (val loss {best_val_loss:.3f}, "
      f"val acc {history['val acc'][best_epoch]:.3f}); train acc then {history['train acc'][best_epoch]:.3f}")

# The test set, once, with the chosen checkpoint
model.load_state_dict(best_state)
model.eval()
with torch.no_grad():
    probs = model(test_x).softmax(1)
confidence, predicted = probs.max(1)
test_acc = (predicted == test_y).float().mean().item()
confusion = torch.zeros(5, 5, dtype=torch.long)
for t, p in zip(test_y.tolist(), predicted.tolist()):
    confusion[t, p] += 1
mistakes = torch.nonzero(predicted != test_y).flatten()
mistakes = mistakes[confidence[mistakes].argsort(descending=True)][:8]  # the most confident wrong answers
print(f"test accuracy (once, chosen checkpoint): {test_acc:.3f} on {len(test_y)} digits, {int((predicted != test_y).sum())} wrong")
print("confusion matrix (rows: true digit 5-9, columns: predicted):")
print(confusion)

assert test_acc >= 0.9
assert confusion.sum() == len(test_y) and confusion.trace() == (predicted == test_y).sum()
assert all(predicted[i] != test_y[i] for i in mistakes)
assert all(confidence[a] >= confidence[b] for a, b in zip(mistakes, mistakes[1:]))

# 1. Learning curves: train and validation, loss and accuracy, per epoch
epochs = range(1, 31)
figure, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(9, 3.2))
for split, style in [("train", "-"), ("val", "--")]:
    ax_loss.plot(epochs, history[f"{split} loss"], style, label=split)
    ax_acc.plot(epochs, history[f"{split} acc"], style, label=split)
ax_loss.set_yscale("log")  # the new head starts far off; a log scale keeps the later gap visible
for ax, name in [(ax_loss, "loss"), (ax_acc, "accuracy")]:
    ax.axvline(best_epoch + 1, color="gray", lw=0.8, label="chosen epoch")
    ax.set_xlabel("epoch")
    ax.set_ylabel(name)
    ax.legend()
figure.suptitle("Fine-tuning on digits 5-9: training and validation curves")
figure.tight_layout()
plt.show()

# 2. Confusion matrix on the test set
figure, ax = plt.subplots(figsize=(6, 4.5))
ax.imshow(confusion, cmap="Blues")
for i in range(5):
    for j in range(5):
        ax.text(j, i, int(confusion[i, j]), ha="center", va="center",
                color="white" if confusion[i, j] > confusion.max() / 2 else "black")
ax.set_xticks(range(5), [str(d) for d in range(5, 10)])
ax.set_yticks(range(5), [str(d) for d in range(5, 10)])
ax.set_xlabel("predicted digit")
ax.set_ylabel("true digit")
ax.set_title("Confusion matrix on the test digits")
figure.tight_layout()
plt.show()

# 3. The most confident mistakes
figure, axes = plt.subplots(1, len(mistakes), figsize=(9, 1.9))
for ax, i in zip(axes, mistakes.tolist()):
    ax.imshow(test_x[i, 0].cpu(), cmap="gray_r")
    ax.set_title(f"true {test_y[i].item() + 5}\npred {predicted[i].item() + 5} ({confidence[i]:.0%})", fontsize=8)
    ax.axis("off")
figure.suptitle("The most confident mistakes on the test digits")
figure.tight_layout()
plt.show()
