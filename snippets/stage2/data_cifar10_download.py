# roadmap 2.2.2: CIFAR-10 with a training-time augmentation pipeline (downloads 170 MB)
import torch
from torch.utils.data import DataLoader
from torchvision import datasets
from torchvision.transforms import v2

# Per-channel mean and std of the CIFAR-10 training images
CIFAR10_MEAN = (0.4914, 0.4822, 0.4465)
CIFAR10_STD = (0.2023, 0.1994, 0.2010)

# Training: random augmentation, so every epoch sees slightly different images
transform_train = v2.Compose([
    v2.ToImage(),  # PIL image -> uint8 tensor image (C, H, W)
    v2.RandomCrop(32, padding=4),
    v2.RandomHorizontalFlip(),
    v2.ToDtype(torch.float32, scale=True),  # uint8 [0, 255] -> float [0, 1]
    v2.Normalize(CIFAR10_MEAN, CIFAR10_STD),
])

# Testing: no randomness, only the conversion and the same normalization
transform_test = v2.Compose([
    v2.ToImage(),
    v2.ToDtype(torch.float32, scale=True),
    v2.Normalize(CIFAR10_MEAN, CIFAR10_STD),
])

train_dataset = datasets.CIFAR10(root="./data", train=True, download=True, transform=transform_train)
test_dataset = datasets.CIFAR10(root="./data", train=False, download=True, transform=transform_test)

train_loader = DataLoader(train_dataset, batch_size=128, shuffle=True)
test_loader = DataLoader(test_dataset, batch_size=100, shuffle=False)

images, labels = next(iter(train_loader))
print(f"{len(train_dataset)} training images, {len(test_dataset)} test images")
print(f"one batch: images {tuple(images.shape)}, labels {tuple(labels.shape)}")
assert images.shape == (128, 3, 32, 32)
