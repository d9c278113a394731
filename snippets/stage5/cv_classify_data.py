# roadmap 5.1 (project 1): a custom image-folder dataset with torchvision transforms v2 augmentation
import pathlib

import matplotlib.pyplot as plt
import numpy as np
import torch
from PIL import Image
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader
from torchvision import datasets
from torchvision.transforms import v2

torch.manual_seed(0)

# A Kaggle-style dataset arrives as image files sorted into one folder per class:
#   data/train/3/0042.png, data/val/7/0101.png, ...
# We build exactly that layout from the real scikit-learn digits (8x8 scans, 0-16 gray levels).
digits = load_digits()
train_idx, val_idx = train_test_split(
    np.arange(len(digits.target)), test_size=0.2, stratify=digits.target, random_state=0
)
# leak check: no validation image is a training image, pixel for pixel (the digits hold no duplicates).
assert not {digits.images[i].tobytes() for i in val_idx} & {digits.images[i].tobytes() for i in train_idx}
root = pathlib.Path("data")
for split, indices in [("train", train_idx), ("val", val_idx)]:
    for i in indices:
        folder = root / split / str(digits.target[i])
        folder.mkdir(parents=True, exist_ok=True)
        pixels = (digits.images[i] * 255 / 16).round().astype(np.uint8)
        Image.fromarray(pixels).resize((32, 32), Image.Resampling.BILINEAR).save(folder / f"{i:04d}.png")

# Augment only the training split; validation must see the images as they are.
# Small rotations, shifts and scale changes keep a digit a digit; flips would not (a flipped 2 is no 2).
train_transform = v2.Compose([
    v2.ToImage(),                                   # PIL -> tv_tensors.Image (uint8, C x H x W)
    v2.Grayscale(num_output_channels=1),
    v2.RandomAffine(degrees=12, translate=(0.1, 0.1), scale=(0.85, 1.1)),
    v2.ToDtype(torch.float32, scale=True),          # uint8 [0, 255] -> float [0, 1]
    v2.Normalize(mean=[0.5], std=[0.5]),
])
val_transform = v2.Compose([
    v2.ToImage(),
    v2.Grayscale(num_output_channels=1),
    v2.ToDtype(torch.float32, scale=True),
    v2.Normalize(mean=[0.5], std=[0.5]),
])
train_set = datasets.ImageFolder(root / "train", transform=train_transform)
val_set = datasets.ImageFolder(root / "val", transform=val_transform)
train_loader = DataLoader(train_set, batch_size=64, shuffle=True)
val_loader = DataLoader(val_set, batch_size=256)

print(f"classes: {train_set.classes}")
print(f"train images: {len(train_set)}, val images: {len(val_set)}")
counts = np.bincount(train_set.targets, minlength=10)
print(f"train images per class: min {counts.min()}, max {counts.max()}")
images, targets = next(iter(train_loader))
print(f"one training batch: images {tuple(images.shape)} {images.dtype}, targets {tuple(targets.shape)}")
print(f"pixel range after Normalize: [{images.min():.2f}, {images.max():.2f}]")

assert len(train_set) + len(val_set) == len(digits.target) == 1797
assert train_set.classes == [str(d) for d in range(10)]
assert images.shape == (64, 1, 32, 32) and images.dtype == torch.float32
assert -1.0 <= images.min() and images.max() <= 1.0

# The same file, drawn five times: every epoch the network sees a slightly different digit.
original, label = val_set[0]
raw = Image.open(val_set.samples[0][0])
fig, axes = plt.subplots(1, 6, figsize=(10, 2.2))
axes[0].imshow(original[0], cmap="gray")
axes[0].set_title(f"original ({label})")
for ax in axes[1:]:
    ax.imshow(train_transform(raw)[0], cmap="gray")
    ax.set_title("augmented")
for ax in axes:
    ax.axis("off")
fig.suptitle("RandomAffine: rotation, shift and scale")
plt.tight_layout()
plt.show()
