# roadmap 4.1.1 (offline): feature extraction, partial fine-tuning and per-layer learning rates
import time

import matplotlib.pyplot as plt
from matplotlib.colors import ListedColormap
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

# Real data: 1,797 handwritten 8x8 digits. Digits 0-4 play the role of the big
# "ImageNet" source task; digits 5-9 are the new task with only a few labels.
digits = load_digits()
images = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0  # (N, 1, 8, 8) in [0, 1]
labels = torch.tensor(digits.target)
is_source = labels < 5

source_x, source_y = images[is_source].to(device), labels[is_source].to(device)
target_x, target_y = images[~is_source], labels[~is_source] - 5  # relabel 5..9 as 0..4

# The new task: 10 labeled examples per class for training, everything else for testing.
shots_per_class = 10
generator = torch.Generator().manual_seed(0)
train_idx = torch.cat([
    torch.nonzero(target_y == c).flatten()[torch.randperm(int((target_y == c).sum()), generator=generator)[:shots_per_class]]
    for c in range(5)
])
test_mask = torch.ones(len(target_y), dtype=torch.bool)
test_mask[train_idx] = False
train_x, train_y = target_x[train_idx].to(device), target_y[train_idx].to(device)
test_x, test_y = target_x[test_mask].to(device), target_y[test_mask].to(device)
# leak check: no test digit is also a training digit, pixel for pixel (the digits have no exact duplicates,
# so no deduplication is needed; the same writers are on both sides all the same: no writer ids ship).
assert not {tuple(r) for r in test_x.flatten(1).tolist()} & {tuple(r) for r in train_x.flatten(1).tolist()}


class SmallCNN(nn.Module):
    """A tiny ResNet-like layout: three named blocks, then a linear head called `fc`."""

    def __init__(self, num_classes=5):
        super().__init__()
        self.block1 = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU())
        self.block2 = nn.Sequential(nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.block3 = nn.Sequential(nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten())
        self.fc = nn.Linear(32 * 2 * 2, num_classes)

    def forward(self, x):
        return self.fc(self.block3(self.block2(self.block1(x))))


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        return (model(x).argmax(dim=1) == y).float().mean().item()


def train(model, optimizer, x, y, steps, batch_size=64):
    model.train()
    for _ in range(steps):
        batch = torch.randint(len(x), (min(batch_size, len(x)),), device=x.device)
        loss = F.cross_entropy(model(x[batch]), y[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


# 1. "Pretraining": learn digits 0-4 from ~900 labeled images.
pretrained = SmallCNN().to(device)
train(pretrained, torch.optim.Adam(pretrained.parameters(), lr=3e-3), source_x, source_y, steps=150)
print(f"pretrained backbone, accuracy on digits 0-4: {accuracy(pretrained, source_x, source_y):.3f}")
pretrained_state = pretrained.state_dict()


def transferred_model():
    """A copy of the pretrained network with a fresh head for the new classes."""
    model = SmallCNN().to(device)
    model.load_state_dict(pretrained_state)
    model.fc = nn.Linear(model.fc.in_features, 5).to(device)  # replace the last layer
    return model


def scratch():
    model = SmallCNN().to(device)
    return model, torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)


def feature_extraction():
    model = transferred_model()
    for param in model.parameters():  # freeze everything ...
        param.requires_grad = False
    for param in model.fc.parameters():  # ... except the new head
        param.requires_grad = True
    return model, torch.optim.SGD(model.fc.parameters(), lr=0.01, momentum=0.9)


def partial_fine_tuning():
    model = transferred_model()
    for name, param in model.named_parameters():
        # Keep the generic early blocks frozen; adapt the last block and the head.
        param.requires_grad = name.startswith(("block3", "fc"))
    trainable = [p for p in model.parameters() if p.requires_grad]
    return model, torch.optim.SGD(trainable, lr=0.01, momentum=0.9)


def discriminative_lr():
    model = transferred_model()  # everything trainable, but at different speeds
    head_params = [p for name, p in model.named_parameters() if name.startswith("fc")]
    backbone_params = [p for name, p in model.named_parameters() if not name.startswith("fc")]
    optimizer = torch.optim.SGD([
        {"params": backbone_params, "lr": 0.001},  # small steps: keep what was learned
        {"params": head_params, "lr": 0.01},  # big steps: the head starts from random
    ], momentum=0.9)
    return model, optimizer


strategies = {
    "from scratch": scratch,
    "feature extraction": feature_extraction,
    "partial fine-tuning": partial_fine_tuning,
    "discriminative LR": discriminative_lr,
}
# Same data, same optimizer settings (the roadmap's SGD), same budget of steps:
# how good is each model after 25, 50 and 200 steps?
checkpoints = [25, 50, 200]
layers = ["block1", "block2", "block3", "fc"]
results, trainable, seconds, learning_rates = {}, {}, {}, {}
print(f"\nnew task: digits 5-9, {len(train_x)} labeled images, {len(test_x)} test images")
print(f"{'strategy':<21}{'trainable':>10}" + "".join(f"{f'@{c} steps':>11}" for c in checkpoints) + f"{'time':>8}")
for name, make in strategies.items():
    torch.manual_seed(1)  # the same head initialization and batches for every strategy
    model, optimizer = make()
    trainable[name] = sum(p.numel() for p in model.parameters() if p.requires_grad)
    # The learning rate each layer gets from the optimizer (0 = frozen), for the figure below
    lr_of = {id(p): group["lr"] for group in optimizer.param_groups for p in group["params"]}
    learning_rates[name] = [max(lr_of.get(id(p), 0.0) if p.requires_grad else 0.0
                                for p in getattr(model, layer).parameters()) for layer in layers]
    results[name], seconds[name], done = [], 0.0, 0
    for checkpoint in checkpoints:
        start = time.perf_counter()
        train(model, optimizer, train_x, train_y, steps=checkpoint - done)
        seconds[name] += time.perf_counter() - start
        done = checkpoint
        results[name].append(accuracy(model, test_x, test_y))
    print(f"{name:<21}{trainable[name]:>10,}" + "".join(f"{acc:>11.3f}" for acc in results[name])
          + f"{seconds[name]:>7.2f}s")
print("(time: measured on this machine, not asserted)")

# With a small budget every transfer strategy is far ahead of training from scratch ...
for name in ["feature extraction", "partial fine-tuning", "discriminative LR"]:
    assert results[name][1] >= 0.85, (name, results[name])
    assert results[name][1] > results["from scratch"][1] + 0.3, (name, results)
# ... and on this easy data set, scratch needs about 4x the steps to reach 85% as well.
assert results["from scratch"][2] >= 0.85, results["from scratch"]
# Feature extraction trains the fewest parameters: the least work per step (the timing is only measured)
assert trainable["feature extraction"] == min(trainable.values()) < 0.1 * trainable["from scratch"]

# What each strategy trains, read back from the models and optimizers above
figure, ax = plt.subplots(figsize=(8, 3))
grid = [[0 if lr == 0 else (2 if lr >= 0.01 else 1) for lr in row] for row in learning_rates.values()]
ax.pcolormesh(grid, cmap=ListedColormap(["white", "#fdd0a2", "#fd8d3c"]), vmin=0, vmax=2, edgecolors="gray")
for i, row in enumerate(learning_rates.values()):
    for j, lr in enumerate(row):
        ax.text(j + 0.5, i + 0.5, "frozen" if lr == 0 else f"lr {lr:g}", ha="center", va="center")
ax.set_xticks([0.5, 1.5, 2.5, 3.5], ["block1", "block2", "block3", "fc (new head)"])
ax.set_yticks([i + 0.5 for i in range(len(learning_rates))], list(learning_rates))
ax.invert_yaxis()
ax.set_title("Which layers each strategy trains, and at which learning rate")
figure.tight_layout()
plt.show()
