# a complete small classifier: digits, train/val/test, curves, confusion matrix, the most confident mistakes
import copy

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

# Real data: 1,797 handwritten 8x8 digits. The model reads the 64 pixel values, so deduplicate on those
# and drop any image that occurs with two labels, before splitting.
digits = load_digits()
pixels, first = np.unique(digits.data, axis=0, return_index=True)
labels_of = {}
for row, label in zip(map(bytes, digits.data.astype(np.uint8)), digits.target):
    labels_of.setdefault(row, set()).add(int(label))
keep = [i for i in sorted(first) if len(labels_of[bytes(digits.data[i].astype(np.uint8))]) == 1]
X, y = digits.data[keep] / 16.0, digits.target[keep]
print(f"{len(digits.data)} images, {len(X)} distinct with one label")

# 60 % train, 20 % validation (to choose the epoch), 20 % test (touched once, at the end)
X_train, X_rest, y_train, y_rest = train_test_split(X, y, test_size=0.4, random_state=0, stratify=y)
X_val, X_test, y_val, y_test = train_test_split(X_rest, y_rest, test_size=0.5, random_state=0, stratify=y_rest)
# leak check: no validation or test image is a training image, pixel for pixel (what the model reads).
assert not {r.tobytes() for r in X_val} & {r.tobytes() for r in X_train}
assert not {r.tobytes() for r in X_test} & ({r.tobytes() for r in X_train} | {r.tobytes() for r in X_val})


def tensors(X, y):
    return TensorDataset(torch.tensor(X, dtype=torch.float32), torch.tensor(y))


train_set, val_set, test_set = tensors(X_train, y_train), tensors(X_val, y_val), tensors(X_test, y_test)
train_loader = DataLoader(train_set, batch_size=32, shuffle=True, generator=torch.Generator().manual_seed(0))
val_loader = DataLoader(val_set, batch_size=256)
test_loader = DataLoader(test_set, batch_size=256)
print(f"train {len(train_set)}, validation {len(val_set)}, test {len(test_set)}")

model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10)).to(device)
criterion = nn.CrossEntropyLoss()  # takes the logits: no softmax in the model
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)


def evaluate(loader):
    """Mean loss and accuracy over a loader, plus every logit and label (for the figures)."""
    model.eval()
    all_logits, all_labels = [], []
    with torch.no_grad():
        for inputs, labels in loader:
            all_logits.append(model(inputs.to(device)))
            all_labels.append(labels.to(device))
    logits, labels = torch.cat(all_logits), torch.cat(all_labels)
    return criterion(logits, labels).item(), (logits.argmax(1) == labels).float().mean().item(), logits, labels


history = {"train loss": [], "val loss": [], "train acc": [], "val acc": []}
best_val_acc, best_state, best_epoch = -1.0, None, 0
for epoch in range(1, 16):
    model.train()
    loss_sum, correct = 0.0, 0
    for inputs, labels in train_loader:
        inputs, labels = inputs.to(device), labels.to(device)
        optimizer.zero_grad()
        logits = model(inputs)
        loss = criterion(logits, labels)
        loss.backward()
        optimizer.step()
        loss_sum += loss.item() * len(labels)  # .item(): a number, not a tensor that keeps the graph
        correct += (logits.argmax(1) == labels).sum().item()
    val_loss, val_acc, _, _ = evaluate(val_loader)
    for key, value in zip(history, [loss_sum / len(train_set), val_loss, correct / len(train_set), val_acc]):
        history[key].append(value)
    if val_acc > best_val_acc:  # model selection on validation, never on test
        best_val_acc, best_state, best_epoch = val_acc, copy.deepcopy(model.state_dict()), epoch
    if epoch % 3 == 0 or epoch == 1:
        print(f"epoch {epoch:2d}  train loss {history['train loss'][-1]:.3f} acc {history['train acc'][-1]:.3f}"
              f"  |  val loss {val_loss:.3f} acc {val_acc:.3f}")

model.load_state_dict(best_state)
val_loss, val_acc, val_logits, val_labels = evaluate(val_loader)
test_loss, test_acc, _, _ = evaluate(test_loader)  # the one and only look at the test set
print(f"best epoch {best_epoch} (by validation accuracy {best_val_acc:.3f}); test accuracy {test_acc:.3f}, test loss {test_loss:.3f}")
assert history["train loss"][-1] < history["train loss"][0] / 5
assert best_val_acc >= 0.95 and test_acc >= 0.94

# 1. Curves: train and validation loss and accuracy per epoch
epochs = range(1, len(history["train loss"]) + 1)
fig, axes = plt.subplots(1, 2, figsize=(9, 3.5))
for key, style in [("train loss", "-"), ("val loss", "--")]:
    axes[0].plot(epochs, history[key], style, label=key.replace(" loss", ""))
for key, style in [("train acc", "-"), ("val acc", "--")]:
    axes[1].plot(epochs, history[key], style, label=key.replace(" acc", ""))
axes[1].axvline(best_epoch, color="gray", linestyle=":", label="best epoch")
axes[0].set_title("loss per epoch")
axes[1].set_title("accuracy per epoch")
for ax in axes:
    ax.set_xlabel("epoch")
    ax.legend()
fig.suptitle("Training curves: train against validation")
fig.tight_layout()
plt.show()

# 2. Confusion matrix on the validation set: rows are the true digits, columns the predictions
predictions = val_logits.argmax(1)
confusion = torch.zeros(10, 10, dtype=torch.long)
for t, p in zip(val_labels.cpu(), predictions.cpu()):
    confusion[t, p] += 1
assert confusion.sum() == len(val_set) and confusion.trace() == round(val_acc * len(val_set))
off_diagonal = confusion - torch.diag(torch.diag(confusion))
t, p = divmod(off_diagonal.argmax().item(), 10)
print(f"most frequent confusion on validation: true {t} predicted as {p} ({off_diagonal[t, p].item()} times)")
fig, ax = plt.subplots(figsize=(6, 5.2))
ax.imshow(confusion, cmap="Blues")
for i in range(10):
    for j in range(10):
        if confusion[i, j]:
            ax.text(j, i, confusion[i, j].item(), ha="center", va="center",
                    color="white" if confusion[i, j] > confusion.max() / 2 else "black", fontsize=8)
ax.set_xticks(range(10))
ax.set_yticks(range(10))
ax.set_xlabel("predicted digit")
ax.set_ylabel("true digit")
ax.set_title("Confusion matrix (validation set)")
fig.tight_layout()
plt.show()

# 3. The most confident mistakes: wrong predictions sorted by the probability the model gave them
probs = F.softmax(val_logits, dim=1)
wrong = (predictions != val_labels).nonzero().flatten()
confidence = probs[wrong, predictions[wrong]]
worst = wrong[confidence.argsort(descending=True)][:8].cpu()
assert len(wrong) == len(val_set) - confusion.trace()
fig, axes = plt.subplots(1, len(worst), figsize=(9, 2.0))
for ax, i in zip(np.atleast_1d(axes), worst):
    ax.imshow(X_val[i].reshape(8, 8), cmap="gray_r")
    ax.set_title(f"true {val_labels[i].item()}\npred {predictions[i].item()} ({probs[i, predictions[i]].item():.0%})", fontsize=8)
    ax.axis("off")
fig.suptitle("Most confident mistakes (validation set)")
fig.tight_layout()
plt.show()
