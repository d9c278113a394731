# roadmap 4.1.2 (offline): a custom transfer model trained with progressive unfreezing
from collections import OrderedDict

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


def backbone():
    """Three named blocks, like a ResNet's layer1..layer4, ending in 128 features."""
    return nn.Sequential(OrderedDict(
        block1=nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU()),
        block2=nn.Sequential(nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)),
        block3=nn.Sequential(nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)),
    ))


class TransferLearningModel(nn.Module):
    def __init__(self, num_classes, pretrained_features=None, freeze_backbone=True):
        super().__init__()
        self.features = backbone()
        if pretrained_features is not None:
            self.features.load_state_dict(pretrained_features)
            for param in self.features.parameters():
                param.requires_grad = not freeze_backbone
        # A custom classification head instead of the original single linear layer
        self.classifier = nn.Sequential(
            nn.Dropout(0.5),
            nn.Linear(32 * 2 * 2, 64),
            nn.ReLU(),
            nn.Dropout(0.3),
            nn.Linear(64, num_classes),
        )

    def forward(self, x):
        x = self.features(x)
        x = x.flatten(start_dim=1)
        return self.classifier(x)


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


# "Pretraining" on digits 0-4; afterwards we keep only the feature extractor.
source_model = TransferLearningModel(num_classes=5).to(device)
train(source_model, torch.optim.Adam(source_model.parameters(), lr=3e-3), source_x, source_y, steps=150)
print(f"pretrained on digits 0-4, accuracy: {accuracy(source_model, source_x, source_y):.3f}")
pretrained_features = source_model.features.state_dict()


def progressive_unfreezing(model, x, y, steps_per_stage=20):
    """Train the last block and the head first, then unfreeze one more block (deeper first) per stage."""
    stages = [
        ["block3", "classifier"],
        ["block2", "block3", "classifier"],
        ["block1", "block2", "block3", "classifier"],
    ]
    trained_params, test_accs = [], []
    for stage, layers_to_train in enumerate(stages):
        for name, param in model.named_parameters():
            param.requires_grad = any(layer in name for layer in layers_to_train)
        # A fresh optimizer that only sees the parameters trained in this stage
        trainable = [p for p in model.parameters() if p.requires_grad]
        optimizer = torch.optim.SGD(trainable, lr=0.01, momentum=0.9)
        train(model, optimizer, x, y, steps=steps_per_stage)
        trained_params.append(sum(p.numel() for p in trainable))
        test_accs.append(accuracy(model, test_x, test_y))
        print(f"  stage {stage + 1}: training {layers_to_train}, "
              f"{trained_params[-1]:,} params, test acc {test_accs[-1]:.3f}")
    return trained_params, test_accs


print(f"\nnew task: digits 5-9, {len(train_x)} labeled images; 3 stages x 20 steps")
torch.manual_seed(1)
transfer_model = TransferLearningModel(5, pretrained_features, freeze_backbone=True).to(device)
stage_params, stage_accs = progressive_unfreezing(transfer_model, train_x, train_y)
transfer_acc = accuracy(transfer_model, test_x, test_y)

# The same architecture and the same 60 SGD steps, starting from random weights
torch.manual_seed(1)
scratch_model = TransferLearningModel(5).to(device)
train(scratch_model, torch.optim.SGD(scratch_model.parameters(), lr=0.01, momentum=0.9), train_x, train_y, steps=60)
scratch_acc = accuracy(scratch_model, test_x, test_y)

print(f"\n{'model':<28}{'test acc':>9}")
print(f"{'pretrained + progressive':<28}{transfer_acc:>9.3f}")
print(f"{'from scratch':<28}{scratch_acc:>9.3f}")
assert stage_params[0] < stage_params[1] < stage_params[2]  # every stage trains more parameters
assert stage_accs[2] > stage_accs[0] + 0.1, stage_accs  # unfreezing pays: well above the head-only stage
assert transfer_acc >= 0.85, transfer_acc
assert transfer_acc > scratch_acc + 0.2, (transfer_acc, scratch_acc)
