# exercise added by this site (lesson 4.1): how the benefit of transfer depends on the number of labeled examples
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
    for name, param in model.named_parameters():
        param.requires_grad = name.startswith("fc")
    return model, torch.optim.SGD(model.fc.parameters(), lr=0.01, momentum=0.9)


print(f"\n{'shots/class':>11}{'scratch @50':>13}{'transfer @50':>14}{'gain':>8}")
gains = {}
for shots_per_class in [2, 5, 20]:
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
    accs = []
    for make in (scratch, feature_extraction):
        torch.manual_seed(1)
        model, optimizer = make()
        train(model, optimizer, train_x, train_y, steps=50)
        accs.append(accuracy(model, test_x, test_y))
    gains[shots_per_class] = accs[1] - accs[0]
    print(f"{shots_per_class:>11}{accs[0]:>13.3f}{accs[1]:>14.3f}{gains[shots_per_class]:>+8.3f}")

# With a 50-step budget the pretrained features win at every data size tried.
assert all(gain > 0.1 for gain in gains.values()), gains
