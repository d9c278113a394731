# Regularization compared on a small training set: dropout, weight decay, label smoothing
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

# Only 150 training digits: a big network can memorize them, which is where regularization matters
digits = load_digits()
images = torch.tensor(digits.data, dtype=torch.float32) / 16.0
labels = torch.tensor(digits.target)
order = torch.randperm(len(images))
train_x, train_y = images[order[:150]].to(device), labels[order[:150]].to(device)
test_x, test_y = images[order[500:]].to(device), labels[order[500:]].to(device)
# leak check: no test digit is also a training digit, pixel for pixel (the digits have no exact duplicates,
# so no deduplication is needed; the same writers are on both sides all the same: no writer ids ship).
assert not {tuple(r) for r in test_x.flatten(1).tolist()} & {tuple(r) for r in train_x.flatten(1).tolist()}


def run(dropout=0.0, weight_decay=0.0, label_smoothing=0.0, steps=200):
    torch.manual_seed(0)  # same initial weights for every configuration
    model = nn.Sequential(
        nn.Linear(64, 256), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(256, 256), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(256, 10),
    ).to(device)
    # AdamW applies weight decay directly to the weights (decoupled from the gradient)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=weight_decay)
    criterion = nn.CrossEntropyLoss(label_smoothing=label_smoothing)
    for step in range(steps):  # full-batch training: 150 samples fit in one batch
        model.train()
        optimizer.zero_grad()
        criterion(model(train_x), train_y).backward()
        optimizer.step()
    model.eval()  # switches dropout off
    with torch.no_grad():
        train_acc = (model(train_x).argmax(1) == train_y).float().mean().item()
        test_probs = F.softmax(model(test_x), dim=1)
        test_acc = (test_probs.argmax(1) == test_y).float().mean().item()
        confidence = test_probs.max(1).values.mean().item()  # how sure the model is, on average
        weight_norm = torch.cat([p.flatten() for n, p in model.named_parameters() if "weight" in n]).norm().item()
    return train_acc, test_acc, confidence, weight_norm


configs = {
    "none": {},
    "dropout 0.5": {"dropout": 0.5},
    "weight decay 0.5": {"weight_decay": 0.5},
    "label smoothing 0.1": {"label_smoothing": 0.1},
    "all three": {"dropout": 0.5, "weight_decay": 0.5, "label_smoothing": 0.1},
}
results = {name: run(**kwargs) for name, kwargs in configs.items()}

print(f"{'regularization':<20} {'train acc':>9} {'test acc':>9} {'confidence':>10} {'weight norm':>11}")
for name, (train_acc, test_acc, confidence, weight_norm) in results.items():
    print(f"{name:<20} {train_acc:9.3f} {test_acc:9.3f} {confidence:10.3f} {weight_norm:11.1f}")

# What is robust: every model memorizes the tiny training set and generalizes reasonably,
# weight decay shrinks the weights, label smoothing makes the model less over-confident.
for name, (train_acc, test_acc, _, _) in results.items():
    assert train_acc == 1.0 and test_acc >= 0.85, name
assert results["weight decay 0.5"][3] < results["none"][3]
assert results["label smoothing 0.1"][2] < results["none"][2] - 0.03
