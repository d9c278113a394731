# roadmap 2.2 homework 3: a dataset statistics tool (per-channel mean/std, class distribution)
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits, load_sample_images
from torch.utils.data import DataLoader, TensorDataset
from torchvision.transforms import v2


def dataset_statistics(dataset, num_classes, batch_size=256):
    """One pass over a dataset of (image (C, H, W), label) pairs, one batch at a time.

    Works for datasets too big for memory: it only keeps running sums. The sums are in
    float64 because sum(x^2) over millions of pixels loses precision in float32.
    """
    loader = DataLoader(dataset, batch_size=batch_size, shuffle=False)
    pixel_sum = pixel_sq_sum = None
    pixel_count = 0
    class_counts = torch.zeros(num_classes, dtype=torch.long)
    for images, labels in loader:
        images = images.double()
        if pixel_sum is None:
            pixel_sum = torch.zeros(images.size(1), dtype=torch.float64)
            pixel_sq_sum = torch.zeros(images.size(1), dtype=torch.float64)
        pixel_sum += images.sum(dim=(0, 2, 3))  # sum over batch, height, width: one value per channel
        pixel_sq_sum += (images**2).sum(dim=(0, 2, 3))
        pixel_count += images.size(0) * images.size(2) * images.size(3)
        class_counts += torch.bincount(labels, minlength=num_classes)
    mean = pixel_sum / pixel_count
    std = (pixel_sq_sum / pixel_count - mean**2).sqrt()  # Var[x] = E[x^2] - E[x]^2
    return {"mean": mean, "std": std, "class_counts": class_counts}


def report(name, stats):
    means = ", ".join(f"{m:.4f}" for m in stats["mean"].tolist())
    stds = ", ".join(f"{s:.4f}" for s in stats["std"].tolist())
    counts = stats["class_counts"]
    print(f"{name}: {counts.sum().item()} samples")
    print(f"  mean per channel: ({means})   std per channel: ({stds})")
    print(f"  class counts: {counts.tolist()}  (smallest/largest = {counts.min() / counts.max():.2f})")


# 1. Real handwritten digits: 1 channel, 10 classes
digits = load_digits()
digit_images = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0
digit_labels = torch.tensor(digits.target)
digit_stats = dataset_statistics(TensorDataset(digit_images, digit_labels), num_classes=10)
report("digits", digit_stats)

# 2. Real color photos: 32x32 tiles cut from china.jpg (class 0) and flower.jpg (class 1)
to_float = v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True)])
tiles, tile_labels = [], []
for label, photo in enumerate(load_sample_images().images):
    image = to_float(photo.copy())  # (3, 427, 640)
    patches = F.unfold(image.unsqueeze(0), kernel_size=32, stride=32)  # (1, 3*32*32, n_tiles)
    patches = patches[0].T.reshape(-1, 3, 32, 32)
    assert torch.equal(patches[0], image[:, :32, :32])  # tile 0 is the top-left corner
    tiles.append(patches)
    tile_labels += [label] * len(patches)
tile_images, tile_labels = torch.cat(tiles), torch.tensor(tile_labels)
tile_stats = dataset_statistics(TensorDataset(tile_images, tile_labels), num_classes=2, batch_size=64)
report("photo tiles (RGB)", tile_stats)

# Check the streaming results against a direct computation over everything at once
for images, labels, stats, classes in [(digit_images, digit_labels, digit_stats, 10),
                                      (tile_images, tile_labels, tile_stats, 2)]:
    direct_mean = images.double().mean(dim=(0, 2, 3))
    direct_std = images.double().std(dim=(0, 2, 3), correction=0)
    torch.testing.assert_close(stats["mean"], direct_mean)
    torch.testing.assert_close(stats["std"], direct_std)
    assert torch.equal(stats["class_counts"], torch.bincount(labels, minlength=classes))
assert digit_stats["class_counts"].sum() == 1797
print("streaming statistics == direct computation (mean, std, class counts)")

fig, ax = plt.subplots(figsize=(8, 4))
ax.bar(range(10), digit_stats["class_counts"].tolist(), color="tab:orange")
ax.set_xticks(range(10))
ax.set_title("Class distribution of the digits dataset")
ax.set_xlabel("digit")
ax.set_ylabel("number of images")
plt.show()
