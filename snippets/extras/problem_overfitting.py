# Overfitting: a CNN trained on 50 real digits memorizes them; augmentation, dropout, weight decay and early stopping close the gap
import copy

import matplotlib.pyplot as plt
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

# Real 8x8 handwritten digits. Only 50 of them (about 5 per class) for training: a recipe for overfitting.
digits = load_digits()
images = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0
labels = torch.tensor(digits.target)
order = torch.randperm(len(images))
train_x, train_y = images[order[:50]].to(device), labels[order[:50]].to(device)
val_x, val_y = images[order[50:550]].to(device), labels[order[50:550]].to(device)
# leak check: no validation image is also a training image, pixel for pixel (the digits have no duplicates).
assert not {tuple(x.flatten().tolist()) for x in val_x} & {tuple(x.flatten().tolist()) for x in train_x}


def random_shift(batch):
    """Data augmentation: move every image by up to one pixel in each direction."""
    padded = F.pad(batch, (1, 1, 1, 1))
    shifted = torch.stack([padded[..., dy:dy + 8, dx:dx + 8] for dy in range(3) for dx in range(3)])
    choice = torch.randint(0, 9, (len(batch),), device=batch.device)
    return shifted[choice, torch.arange(len(batch), device=batch.device)]


def make_cnn(dropout):
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
        nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),  # stride 2 halves the image: 8x8 -> 4x4
        nn.Flatten(), nn.Dropout(dropout),
        nn.Linear(32 * 4 * 4, 128), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(128, 10),
    ).to(device)


@torch.no_grad()
def evaluate(model, x, y):
    model.eval()  # turns dropout off
    logits = model(x)
    return (logits.argmax(1) == y).float().mean().item(), F.cross_entropy(logits, y).item()


def train(augment=False, dropout=0.0, weight_decay=0.0, patience=None, epochs=150):
    """Train for `epochs`; with `patience`, also report what early stopping would have returned.

    Early stopping is the same run, cut short: it stops after `patience` epochs without a better
    validation loss and keeps the best checkpoint. The run is deterministic, so one run gives both.
    """
    torch.manual_seed(0)
    model = make_cnn(dropout)
    optimizer = torch.optim.AdamW(model.parameters(), lr=4e-3, weight_decay=weight_decay)
    val_losses, best_loss, best_state, epochs_without_improvement = [], float("inf"), None, 0
    stopped = None
    for _ in range(epochs):
        model.train()
        batch = random_shift(train_x) if augment else train_x
        loss = F.cross_entropy(model(batch), train_y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

        val_loss = evaluate(model, val_x, val_y)[1]
        val_losses.append(val_loss)
        if val_loss < best_loss:
            best_loss, best_state, epochs_without_improvement = val_loss, copy.deepcopy(model.state_dict()), 0
        else:
            epochs_without_improvement += 1
        if patience is not None and stopped is None and epochs_without_improvement >= patience:
            # early stopping: keep the best checkpoint, not the last
            early = make_cnn(dropout)
            early.load_state_dict(best_state)
            stopped = summary(early, list(val_losses))
    return summary(model, val_losses), stopped


def summary(model, curve):
    train_acc = evaluate(model, train_x, train_y)[0]
    val_acc, val_loss = evaluate(model, val_x, val_y)
    return {"train_acc": train_acc, "val_acc": val_acc, "val_loss": val_loss, "curve": curve}


plain_run, early_stopped_run = train(patience=15)
runs = {
    "no regularization": plain_run,
    "early stopping (patience 15)": early_stopped_run,
    "augment + dropout + weight decay": train(augment=True, dropout=0.5, weight_decay=0.05)[0],
}

print(f"{'run':<34} {'epochs':>6} {'train acc':>9} {'val acc':>8} {'gap':>6} {'val loss':>8}")
for name, r in runs.items():
    r["gap"] = r["train_acc"] - r["val_acc"]
    print(f"{name:<34} {len(r['curve']):>6} {r['train_acc']:>9.1%} {r['val_acc']:>8.1%} "
          f"{r['gap']:>6.1%} {r['val_loss']:>8.3f}")

plain = runs["no regularization"]
stopped = runs["early stopping (patience 15)"]
regularized = runs["augment + dropout + weight decay"]
# The symptom: perfect on the training set, far worse on new data, and the validation loss
# climbs back up after its minimum while the training loss keeps falling.
assert plain["train_acc"] == 1.0 and plain["gap"] > 0.12
assert plain["val_loss"] > 1.5 * min(plain["curve"])
# Early stopping keeps the checkpoint from the bottom of the validation-loss curve.
assert stopped["val_loss"] < 0.6 * plain["val_loss"]
# Regularization: a much better validation loss and a smaller train/val gap. Validation accuracy on
# 500 images moves by a few images with tiny numerical differences (such as the number of CPU
# threads), so what is asserted is that regularizing does not cost more than 3 points of it.
assert regularized["val_loss"] < 0.6 * plain["val_loss"]
assert regularized["gap"] < plain["gap"]
assert regularized["val_acc"] >= plain["val_acc"] - 0.03

fig, ax = plt.subplots(figsize=(8, 4))
for name, r in runs.items():
    ax.plot(range(1, len(r["curve"]) + 1), r["curve"], label=name)
ax.set_title("Validation loss while training on 50 digits")
ax.set_xlabel("epoch")
ax.set_ylabel("validation cross-entropy")
ax.legend()
fig.tight_layout()
plt.show()
