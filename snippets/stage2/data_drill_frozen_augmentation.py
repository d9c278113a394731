# exercise added by this site (lesson 2.2): find the bug, a random augmentation applied once in __init__
import torch
from sklearn.datasets import load_digits
from torch.utils.data import Dataset
from torchvision.transforms import v2

torch.manual_seed(0)
digits = load_digits()
images = torch.tensor(digits.images[:100], dtype=torch.float32).unsqueeze(1) / 16.0  # (100, 1, 8, 8)
augment = v2.RandomAffine(degrees=15, translate=(0.125, 0.125))


class FrozenAugmentation(Dataset):
    """The bug: the random transform runs once, when the dataset is built."""

    def __init__(self, images, transform):
        self.images = [transform(image) for image in images]

    def __len__(self):
        return len(self.images)

    def __getitem__(self, idx):
        return self.images[idx]


class FreshAugmentation(Dataset):
    """The fix: store the raw images, transform in __getitem__, so every read is a new random view."""

    def __init__(self, images, transform):
        self.images, self.transform = images, transform

    def __len__(self):
        return len(self.images)

    def __getitem__(self, idx):
        return self.transform(self.images[idx])


for dataset in (FrozenAugmentation(images, augment), FreshAugmentation(images, augment)):
    epoch_1 = torch.stack([dataset[i] for i in range(len(dataset))])
    epoch_2 = torch.stack([dataset[i] for i in range(len(dataset))])
    same = sum(torch.equal(a, b) for a, b in zip(epoch_1, epoch_2))
    print(f"{type(dataset).__name__:18}: {same} of {len(dataset)} images identical in two epochs")
    if isinstance(dataset, FrozenAugmentation):
        assert same == len(dataset)  # every epoch sees the same single view: no augmentation at all
    else:
        assert same < len(dataset) // 10  # a new view almost every time
