# roadmap 5.1 (project 1): a model ensemble - average the softmax of three independently trained CNNs
import math

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

digits = load_digits()
images = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0
# 16x16, not 32x32 as in cv_classify_data.py: the scans have only 8x8 pixels, and three trainings
# on a quarter of the pixels cost a quarter of the convolutions
images = (F.interpolate(images, size=16, mode="bilinear", align_corners=False) - 0.5) / 0.5
labels = torch.tensor(digits.target)
train_idx, test_idx = train_test_split(
    np.arange(len(labels)), test_size=0.4, stratify=labels, random_state=0
)
x_train, y_train = images[train_idx], labels[train_idx]
x_test, y_test = images[test_idx].to(device), labels[test_idx].to(device)
# leak check: no test image is a training image, pixel for pixel.
assert not {x.cpu().numpy().tobytes() for x in x_test} & {x.numpy().tobytes() for x in x_train}


def augment(batch):
    """Rotate each image by up to 8 degrees and shift it by up to 5 %, all in one batched operation
    (cv_classify_data.py's v2.RandomAffine does a stronger version, up to 12 degrees, 10 % and rescaling,
    one image at a time, which is slower)."""
    n = len(batch)
    angle = (torch.rand(n) * 2 - 1) * math.radians(8)
    shift = (torch.rand(n, 2) * 2 - 1) * 0.1  # affine_grid's coordinates span [-1, 1], so 0.1 is 5 %
    cos, sin = angle.cos(), angle.sin()
    theta = torch.stack([torch.stack([cos, -sin, shift[:, 0]], 1), torch.stack([sin, cos, shift[:, 1]], 1)], 1)
    grid = F.affine_grid(theta, list(batch.shape), align_corners=False)
    # grid_sample fills what moves in from outside with 0; shift by 1 so that 0 is the background (-1)
    return F.grid_sample(batch + 1, grid.to(batch.device), align_corners=False) - 1


class DigitNet(nn.Module):
    def __init__(self, width=16):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(width, 2 * width, 3, padding=1), nn.BatchNorm2d(2 * width), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(2 * width, 4 * width, 3, padding=1), nn.BatchNorm2d(4 * width), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        )
        self.classifier = nn.Linear(4 * width, 10)

    def forward(self, x):
        return self.classifier(self.features(x))


def train_member(seed, epochs=4, batch_size=32):
    # A different seed means a different initialization, batch order, augmentations and bootstrap
    # sample (bagging: len(x_train) draws with replacement), so the members make *different*
    # mistakes - that is what lets averaging help.
    torch.manual_seed(seed)
    bootstrap = torch.randint(len(x_train), (len(x_train),))
    model = DigitNet().to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
    steps_per_epoch = -(-len(x_train) // batch_size)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=1e-2, total_steps=epochs * steps_per_epoch)
    model.train()
    for _ in range(epochs):
        for batch in bootstrap[torch.randperm(len(bootstrap))].split(batch_size):
            inputs = augment(x_train[batch].to(device))
            loss = F.cross_entropy(model(inputs), y_train[batch].to(device))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
    return model.eval()


members = [train_member(seed) for seed in (1, 2, 3)]
with torch.no_grad():
    probs = torch.stack([F.softmax(m(x_test), dim=1) for m in members])  # (members, N, classes)
ensemble_probs = probs.mean(0)

single_acc = [(p.argmax(1) == y_test).float().mean().item() for p in probs]
single_nll = [F.nll_loss(p.log(), y_test).item() for p in probs]
ensemble_acc = (ensemble_probs.argmax(1) == y_test).float().mean().item()
ensemble_nll = F.nll_loss(ensemble_probs.log(), y_test).item()

print(f"{'model':<22}{'test accuracy':>14}{'test NLL':>10}")
for i, (acc, nll) in enumerate(zip(single_acc, single_nll), 1):
    print(f"{f'member {i}':<22}{acc:>14.3f}{nll:>10.3f}")
print(f"{'ensemble (mean prob.)':<22}{ensemble_acc:>14.3f}{ensemble_nll:>10.3f}")
disagree = (probs.argmax(2) != probs.argmax(2)[0]).any(0).sum().item()
print(f"members disagree on {disagree} of {len(y_test)} test images")

# A theorem, so it holds on every run: log is concave, so the averaged prediction's NLL can never
# exceed the members' mean NLL (Jensen's inequality).
assert ensemble_nll <= sum(single_nll) / len(single_nll)
# Accuracy has no such guarantee. What held in every run we tried (1 thread and all cores): the
# ensemble beats the average member. Whether it also beats the *best* member comes down to a few
# test images and changes with tiny numerical differences, such as the number of CPU threads.
assert ensemble_acc > sum(single_acc) / len(single_acc), (single_acc, ensemble_acc)
assert ensemble_acc >= 0.94, ensemble_acc

fig, ax = plt.subplots(figsize=(8, 4))
names = [f"member {i}" for i in range(1, 4)] + ["ensemble"]
bars = ax.bar(names, single_acc + [ensemble_acc], color=["tab:gray"] * 3 + ["tab:orange"])
ax.bar_label(bars, fmt="%.3f")
ax.set_ylim(min(single_acc) - 0.03, 1.0)
ax.set_ylabel("test accuracy")
ax.set_title(f"Averaging softmax outputs of 3 CNNs ({len(y_test)} test digits)")
plt.tight_layout()
plt.show()
