# Evaluation as a habit: per-epoch curves, a confusion matrix and the most confident mistakes
import matplotlib.pyplot as plt
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

# Train / validation / test: decisions are made on validation, the test set is read once at the end
digits = load_digits()
X_rest, X_test, y_rest, y_test = train_test_split(
    digits.data / 16.0, digits.target, test_size=0.2, random_state=0, stratify=digits.target)
X_train, X_val, y_train, y_val = train_test_split(
    X_rest, y_rest, test_size=0.2, random_state=0, stratify=y_rest)
# The same 13 writers appear on every side: the data set ships no writer ids to split by
train_rows = {tuple(row) for row in X_train}
# leak check: no validation or test image is also a training image (the digits hold no duplicates)
assert not {tuple(row) for row in X_val} & train_rows and not {tuple(row) for row in X_test} & train_rows


def tensors(X, y):
    return torch.tensor(X, dtype=torch.float32).to(device), torch.tensor(y).to(device)


(X_train, y_train), (X_val, y_val), (X_test, y_test) = tensors(X_train, y_train), tensors(X_val, y_val), \
    tensors(X_test, y_test)
train_loader = DataLoader(TensorDataset(X_train, y_train), batch_size=32, shuffle=True,
                          generator=torch.Generator().manual_seed(0))

model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10)).to(device)
criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
num_epochs = 20


def evaluate(X, y):
    """Loss and accuracy on a whole split, in eval mode and without a graph."""
    model.eval()
    with torch.no_grad():
        logits = model(X)
        return criterion(logits, y).item(), (logits.argmax(1) == y).float().mean().item()


history = {"train loss": [], "val loss": [], "train acc": [], "val acc": []}
for epoch in range(num_epochs):
    model.train()
    for data, target in train_loader:
        optimizer.zero_grad()
        criterion(model(data), target).backward()
        optimizer.step()
    # Measure both splits the same way after each epoch, so the two curves are comparable
    for split, (X, y) in {"train": (X_train, y_train), "val": (X_val, y_val)}.items():
        loss, acc = evaluate(X, y)
        history[f"{split} loss"].append(loss)
        history[f"{split} acc"].append(acc)
best_epoch = min(range(num_epochs), key=history["val loss"].__getitem__) + 1
gap = history["train acc"][-1] - history["val acc"][-1]
print(f"epoch {num_epochs}: train acc {history['train acc'][-1]:.3f}, val acc {history['val acc'][-1]:.3f} "
      f"(gap {gap:.3f}); lowest val loss at epoch {best_epoch}")
assert history["train loss"][-1] < history["train loss"][0] / 5
assert history["val acc"][-1] >= 0.93

# Confusion matrix on the validation set: row = true digit, column = predicted digit
model.eval()
with torch.no_grad():
    probs = model(X_val).softmax(dim=1)
confidence, predicted = probs.max(dim=1)
confusion = torch.bincount(y_val * 10 + predicted, minlength=100).reshape(10, 10).cpu()
assert torch.equal(confusion.sum(1), torch.bincount(y_val, minlength=10).cpu())  # rows = true counts
assert abs(confusion.trace().item() / len(y_val) - history["val acc"][-1]) < 1e-6  # diagonal = accuracy
off_diagonal = confusion - torch.diag(confusion.diag())
print(f"{off_diagonal.sum().item()} validation mistakes in {(off_diagonal > 0).sum().item()} different cells; "
      f"the most frequent confusion happens {off_diagonal.max().item()} time(s)")

# The most confident mistakes: wrong predictions sorted by the probability the model gave them
wrong = (predicted != y_val).nonzero().flatten()
worst = wrong[confidence[wrong].argsort(descending=True)][:8]
assert len(worst) >= 4 and (predicted[worst] != y_val[worst]).all()
assert (confidence[worst][:-1] >= confidence[worst][1:]).all()
for i in worst[:3].tolist():
    print(f"  true {y_val[i].item()}, predicted {predicted[i].item()} with probability {confidence[i]:.2f}")

# Only now, with every decision made, the test set, once
test_loss, test_acc = evaluate(X_test, y_test)
print(f"test accuracy, measured once at the end: {test_acc:.3f}")
assert test_acc >= 0.93

epochs = range(1, num_epochs + 1)
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(9, 3.5))
for split, style in [("train", "-"), ("val", "--")]:
    label = "train" if split == "train" else "validation"
    ax_loss.plot(epochs, history[f"{split} loss"], style, marker="o", markersize=3, label=label)
    ax_acc.plot(epochs, history[f"{split} acc"], style, marker="o", markersize=3, label=label)
ax_loss.set_title("Loss per epoch")
ax_acc.set_title("Accuracy per epoch")
for ax, name in [(ax_loss, "loss"), (ax_acc, "accuracy")]:
    ax.set_xlabel("epoch")
    ax.set_ylabel(name)
    ax.grid(True, alpha=0.3)
    ax.legend()
fig.suptitle("Training curves: train vs validation (digits MLP)")
plt.tight_layout()
plt.show()

fig, ax = plt.subplots(figsize=(6, 5.2))
ax.imshow(confusion, cmap="Blues")
for t in range(10):
    for p in range(10):
        if confusion[t, p]:
            ax.text(p, t, confusion[t, p].item(), ha="center", va="center", fontsize=8,
                    color="white" if confusion[t, p] > confusion.max() / 2 else "black")
ax.set_xticks(range(10))
ax.set_yticks(range(10))
ax.set_xlabel("predicted digit")
ax.set_ylabel("true digit")
ax.set_title("Confusion matrix (validation set)")
plt.tight_layout()
plt.show()

fig, axes = plt.subplots(1, len(worst), figsize=(9, 2.2))
for ax, i in zip(axes, worst.tolist()):
    ax.imshow(X_val[i].reshape(8, 8).cpu(), cmap="gray_r")
    ax.set_title(f"true {y_val[i].item()}, pred {predicted[i].item()}\np = {confidence[i]:.2f}", fontsize=8)
    ax.axis("off")
fig.suptitle("Most confident mistakes (validation set)")
plt.tight_layout()
plt.show()
