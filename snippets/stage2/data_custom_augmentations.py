# roadmap 2.2.3: custom augmentations (Gaussian noise and Cutout) are just callables
import matplotlib.pyplot as plt
import torch
from sklearn.datasets import load_sample_images
from torchvision.transforms import v2

torch.manual_seed(0)


class AddGaussianNoise:
    def __init__(self, mean=0.0, std=0.1):
        self.mean = mean
        self.std = std

    def __call__(self, tensor):
        # randn_like keeps the input's dtype and device (so it also works on GPU tensors)
        return tensor + torch.randn_like(tensor) * self.std + self.mean


class Cutout:
    """Zero out n_holes squares of side `length` at random positions (clipped at the borders)."""

    def __init__(self, n_holes, length):
        self.n_holes = n_holes
        self.length = length

    def __call__(self, img):
        h, w = img.size(1), img.size(2)
        mask = torch.ones((h, w), dtype=torch.float32)

        for _ in range(self.n_holes):
            y = torch.randint(h, (1,)).item()
            x = torch.randint(w, (1,)).item()

            y1 = max(0, y - self.length // 2)
            y2 = min(h, y + self.length // 2)
            x1 = max(0, x - self.length // 2)
            x2 = min(w, x + self.length // 2)

            mask[y1:y2, x1:x2] = 0.0

        mask = mask.expand_as(img)  # the same holes in every channel
        return img * mask


# A real photo, shrunk to 128 pixels high so the effects are easy to see
photo = load_sample_images().images[0].copy()  # china.jpg, (427, 640, 3) uint8
to_float_image = v2.Compose([
    v2.ToImage(),
    v2.Resize(128, antialias=True),
    v2.ToDtype(torch.float32, scale=True),  # replaces the old transforms.ToTensor()
])
image = to_float_image(photo)
print(f"image: {tuple(image.shape)}, values in [{image.min():.2f}, {image.max():.2f}]")

# Cutout(length=16) on a 32x32 CIFAR image hides half the side; on 128 pixels that is 64
noise = AddGaussianNoise(0.0, 0.1)
cutout = Cutout(n_holes=1, length=64)

noisy = noise(image)
residual = noisy - image
print(f"noise added: mean {residual.mean():+.4f}, std {residual.std():.4f} (asked for 0, 0.1)")
assert abs(residual.mean()) < 0.01 and abs(residual.std() - 0.1) < 0.005
# Noise pushes some values outside [0, 1]; the figure clips them for display only
outside = ((noisy < 0) | (noisy > 1)).float().mean().item()
print(f"{outside:.1%} of the noisy values lie outside [0, 1]")
assert outside > 0.01

holed = cutout(image)
hidden = (holed != image).any(dim=0)  # pixels Cutout changed
print(f"cutout hid {hidden.sum().item()} pixels (at most 64 x 64 = {64 * 64})")
assert 0 < hidden.sum() <= 64 * 64
assert (holed[:, hidden] == 0).all()  # hidden pixels are black in every channel
assert torch.equal(holed[:, ~hidden], image[:, ~hidden])  # everything else is untouched

# Combine them with the built-in transforms in one pipeline
transform = v2.Compose([
    to_float_image,
    AddGaussianNoise(0.0, 0.1),
    Cutout(n_holes=1, length=64),
])
combined = transform(photo)
assert combined.shape == image.shape

panels = [(image, "original"), (noisy, "AddGaussianNoise(0, 0.1)"),
          (holed, "Cutout(1, 64)"), (combined, "noise + Cutout (pipeline)")]
fig, axes = plt.subplots(1, 4, figsize=(12, 2.8))
for ax, (img, title) in zip(axes, panels):
    ax.imshow(img.clamp(0, 1).permute(1, 2, 0))  # noise can leave [0, 1]: clamp for display
    ax.set_title(title, fontsize=9)
    ax.axis("off")
fig.suptitle("Custom augmentations on china.jpg")
plt.tight_layout()
plt.show()
