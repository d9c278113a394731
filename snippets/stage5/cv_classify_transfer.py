# roadmap 5.1 (project 1): transfer learning - pretrain a backbone on one task, fine-tune it on another
import copy

import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

# Pretrained ImageNet weights need a download, so we make our own "pretraining":
#   source task: digits 0-4, plenty of labels   -> learns strokes, curves, corners
#   target task: digits 5-9, only 10 labels each -> the project we actually care about
digits = load_digits()
images = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0
images = (F.interpolate(images, size=32, mode="bilinear", align_corners=False) - 0.5) / 0.5
labels = torch.tensor(digits.target)

source = labels < 5
x_source, y_source = images[source].to(device), labels[source].to(device)
generator = torch.Generator().manual_seed(0)
target_idx = torch.nonzero(~source).squeeze(1)
target_idx = target_idx[torch.randperm(len(target_idx), generator=generator)]
train_idx = torch.cat([target_idx[labels[target_idx] == c][:10] for c in range(5, 10)])
test_idx = target_idx[~torch.isin(target_idx, train_idx)]
x_few, y_few = images[train_idx].to(device), (labels[train_idx] - 5).to(device)
x_test, y_test = images[test_idx].to(device), (labels[test_idx] - 5).to(device)
# leak check: none of the test images is one of the few training images, pixel for pixel.
assert not {images[i].numpy().tobytes() for i in test_idx} & {images[i].numpy().tobytes() for i in train_idx}
print(f"source task: {len(x_source)} labelled images of 0-4")
assert len(x_source) == 901 and len(x_few) == 50
print(f"target task: {len(x_few)} labelled images of 5-9 for training, {len(x_test)} for testing")


def make_backbone():
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(),
    )


def train(model, param_groups, x, y, steps, batch_size=32):
    # channels_last stores each pixel's channels together; CPU convolutions run faster on it
    model.to(memory_format=torch.channels_last)
    optimizer = torch.optim.AdamW(param_groups)
    model.train()
    for _ in range(steps):
        batch = torch.randint(len(x), (batch_size,), device=device)
        loss = F.cross_entropy(model(x[batch]), y[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model


@torch.no_grad()
def accuracy(model, x, y):
    model.eval()
    return (model(x).argmax(1) == y).float().mean().item()


# 1. Pretrain backbone + a 5-way head on the source task.
pretrained = nn.Sequential(make_backbone(), nn.Linear(64, 5)).to(device)
train(pretrained, [{"params": pretrained.parameters(), "lr": 3e-3}], x_source, y_source, steps=150, batch_size=16)
print(f"pretrained model, accuracy on its own task (0-4, train set): {accuracy(pretrained, x_source, y_source):.3f}")

# 2. Baseline: the same network from random weights, trained on the 50 target images only.
torch.manual_seed(1)
scratch = nn.Sequential(make_backbone(), nn.Linear(64, 5)).to(device)
train(scratch, [{"params": scratch.parameters(), "lr": 3e-3}], x_few, y_few, steps=100)

# 3. Fine-tuning: keep the pretrained backbone, put a fresh head on top.
#    The new head learns fast (lr 3e-3); the backbone only adapts gently (lr 3e-4),
#    so the 50 images cannot wash out what it learned from the source task.
torch.manual_seed(1)
backbone = copy.deepcopy(pretrained[0])
finetuned = nn.Sequential(backbone, nn.Linear(64, 5)).to(device)
train(finetuned, [{"params": finetuned[0].parameters(), "lr": 3e-4},
                  {"params": finetuned[1].parameters(), "lr": 3e-3}], x_few, y_few, steps=100)

scratch_acc, finetuned_acc = accuracy(scratch, x_test, y_test), accuracy(finetuned, x_test, y_test)
print(f"{'model (50 labels of 5-9)':<28}{'test accuracy':>14}")
print(f"{'from scratch':<28}{scratch_acc:>14.3f}")
print(f"{'fine-tuned from 0-4':<28}{finetuned_acc:>14.3f}")
assert finetuned_acc >= scratch_acc + 0.05, (scratch_acc, finetuned_acc)
assert finetuned_acc >= 0.85, finetuned_acc
