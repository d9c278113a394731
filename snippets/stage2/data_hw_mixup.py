# roadmap 2.2 homework 2: Mixup, a custom augmentation that blends pairs of samples
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
NUM_CLASSES = 10


class Mixup:
    """Blend each image with another one from the batch; blend their one-hot labels the same way.

    lam ~ Beta(alpha, alpha) is drawn per sample. Mixup works on a whole batch, so it fits
    naturally in a DataLoader's collate_fn.
    """

    def __init__(self, alpha=0.4):
        self.beta = torch.distributions.Beta(alpha, alpha)

    def __call__(self, batch):
        images = torch.stack([image for image, _ in batch])
        targets = F.one_hot(torch.stack([label for _, label in batch]), NUM_CLASSES).float()
        lam = self.beta.sample((len(batch),))
        partner = torch.randperm(len(batch))  # who gets mixed with whom
        lam_img = lam.view(-1, 1, 1, 1)
        lam_tgt = lam.view(-1, 1)
        mixed_images = lam_img * images + (1 - lam_img) * images[partner]
        mixed_targets = lam_tgt * targets + (1 - lam_tgt) * targets[partner]
        return mixed_images, mixed_targets, (images, targets, lam, partner)


# Real handwritten digits, scaled to [0, 1] and upsampled from 8x8 to 32x32
digits = load_digits()
images = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0
images = F.interpolate(images, size=32, mode="bilinear", align_corners=False)
labels = torch.tensor(digits.target)
dataset = TensorDataset(images, labels)

loader = DataLoader(dataset, batch_size=64, shuffle=True, collate_fn=Mixup(alpha=0.4),
                    generator=torch.Generator().manual_seed(0))
mixed_images, mixed_targets, (originals, targets, lam, partner) = next(iter(loader))
print(f"mixed batch: images {tuple(mixed_images.shape)}, soft targets {tuple(mixed_targets.shape)}")

# 1. Every mixed label is still a probability distribution
torch.testing.assert_close(mixed_targets.sum(dim=1), torch.ones(64))
# 2. Every mixed image is a convex combination of two real images
assert ((lam >= 0) & (lam <= 1)).all()
expected = lam.view(-1, 1, 1, 1) * originals + (1 - lam.view(-1, 1, 1, 1)) * originals[partner]
torch.testing.assert_close(mixed_images, expected)
print("labels sum to 1 and images are lam * x_i + (1 - lam) * x_j: checked")

# Train with the soft targets directly: cross_entropy accepts class probabilities,
# and it equals the usual form lam * CE(y_i) + (1 - lam) * CE(y_j)
logits = torch.randn(64, NUM_CLASSES)
soft_loss = F.cross_entropy(logits, mixed_targets, reduction="none")
label_i, label_j = targets.argmax(1), targets[partner].argmax(1)
split_loss = (lam * F.cross_entropy(logits, label_i, reduction="none")
              + (1 - lam) * F.cross_entropy(logits, label_j, reduction="none"))
torch.testing.assert_close(soft_loss, split_loss)
print(f"soft-target loss == lam * CE(y_i) + (1 - lam) * CE(y_j): {soft_loss.mean():.4f}")

fig, axes = plt.subplots(1, 6, figsize=(11, 2.6))
for ax, i in zip(axes, range(6)):
    ax.imshow(mixed_images[i, 0], cmap="gray")
    ax.set_title(f"{lam[i]:.2f}·'{label_i[i]}' + {1 - lam[i]:.2f}·'{label_j[i]}'", fontsize=9)
    ax.axis("off")
fig.suptitle("Mixup on real handwritten digits (alpha = 0.4)")
plt.tight_layout()
plt.show()
