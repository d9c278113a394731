# roadmap 2.2.2 (offline twin): the same augmentation pipeline on real photos that ship with scikit-learn
import matplotlib.pyplot as plt
import torch
from sklearn.datasets import load_sample_images
from torch.utils.data import DataLoader, Dataset
from torchvision.transforms import v2

torch.manual_seed(0)

CIFAR10_MEAN = (0.4914, 0.4822, 0.4465)
CIFAR10_STD = (0.2023, 0.1994, 0.2010)

transform_train = v2.Compose([
    v2.ToImage(),
    v2.RandomCrop(32, padding=4),
    v2.RandomHorizontalFlip(),
    v2.ToDtype(torch.float32, scale=True),
    v2.Normalize(CIFAR10_MEAN, CIFAR10_STD),
])
transform_test = v2.Compose([
    v2.ToImage(),
    v2.ToDtype(torch.float32, scale=True),
    v2.Normalize(CIFAR10_MEAN, CIFAR10_STD),
])


class PhotoDataset(Dataset):
    """Two real photos (china.jpg, flower.jpg), shrunk to CIFAR-10's 32x32 size."""

    def __init__(self, transform=None):
        photos = load_sample_images()  # numpy arrays (H, W, 3), uint8, bundled offline
        to_thumbnail = v2.Compose([v2.ToImage(), v2.Resize(32, antialias=True), v2.CenterCrop(32)])
        self.images = [to_thumbnail(photo.copy()) for photo in photos.images]  # uint8 (3, 32, 32)
        self.labels = [0, 1]
        self.transform = transform

    def __len__(self):
        return len(self.images)

    def __getitem__(self, idx):
        image = self.images[idx]
        if self.transform:
            image = self.transform(image)
        return image, self.labels[idx]


train_set = PhotoDataset(transform_train)
test_set = PhotoDataset(transform_test)

# The test pipeline is deterministic; the training one gives a new view on every access
test_image, _ = test_set[0]
view_a, view_b = train_set[0][0], train_set[0][0]
print(f"one sample: {tuple(test_image.shape)}, {test_image.dtype}")
assert test_image.shape == (3, 32, 32) and test_image.dtype == torch.float32
assert torch.equal(test_set[0][0], test_image)
assert not torch.equal(view_a, view_b)
print("test transform: identical every time; train transform: a new random view every time")

# Normalize is exactly (x / 255 - mean) / std per channel
raw = test_set.images[0].float() / 255
mean = torch.tensor(CIFAR10_MEAN).view(3, 1, 1)
std = torch.tensor(CIFAR10_STD).view(3, 1, 1)
torch.testing.assert_close(test_image, (raw - mean) / std)
print("Normalize == (x/255 - mean) / std, checked")

# Batches work as usual: repeat each photo 8 times to draw 8 random views of it
loader = DataLoader(torch.utils.data.ConcatDataset([train_set] * 8), batch_size=16, shuffle=False)
images, labels = next(iter(loader))
print(f"a batch of augmented views: {tuple(images.shape)}")
assert images.shape == (16, 3, 32, 32)


def to_displayable(image):
    # Undo Normalize so matplotlib can draw the image: back to [0, 1], channels last
    return (image * std + mean).clamp(0, 1).permute(1, 2, 0)


fig, axes = plt.subplots(2, 7, figsize=(11, 4))
for row, name in enumerate(["china.jpg", "flower.jpg"]):
    axes[row, 0].imshow(to_displayable(test_set[row][0]), interpolation="nearest")
    axes[row, 0].set_title(f"{name}\n(test transform)", fontsize=8)
    for col in range(1, 7):
        # ConcatDataset of 8 copies: items row, row + 2, row + 4 ... are views of the same photo
        axes[row, col].imshow(to_displayable(images[row + 2 * (col - 1)]), interpolation="nearest")
        axes[row, col].set_title(f"train view {col}", fontsize=8)
for ax in axes.flat:
    ax.axis("off")
fig.suptitle("RandomCrop(32, padding=4) + RandomHorizontalFlip on 32x32 photos")
plt.tight_layout()
plt.show()
