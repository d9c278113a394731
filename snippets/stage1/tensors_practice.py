# roadmap 1.2.4 (practice): image transforms and a batched linear layer, on a real photo
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from sklearn.datasets import load_sample_image

torch.manual_seed(0)


def load_photo(size=224):
    """A real photo that ships with scikit-learn, as a (1, 3, size, size) tensor in [0, 1]."""
    photo = torch.tensor(load_sample_image("china.jpg"))  # (H, W, 3) uint8; tensor() copies the read-only array
    image = photo.permute(2, 0, 1).float().div(255).unsqueeze(0)  # -> (batch, channels, H, W)
    resized = F.interpolate(image, size=(size, size), mode="bilinear", antialias=True)
    return resized.clamp(0, 1)  # interpolation can overshoot the [0, 1] range slightly


# Exercise 1: basic image transforms.
def image_transform_practice(image):
    normalized = (image - 0.5) / 0.5                # [0, 1] -> [-1, 1]
    grayscale = image.mean(dim=1, keepdim=True)    # average the 3 channels -> 1 channel
    flipped = torch.flip(image, dims=[3])          # dim 3 is width: a horizontal flip
    return normalized, grayscale, flipped


# Exercise 2: a batched linear transformation, Y = XW + b.
def batch_matrix_operations(batch_size=32, input_features=10, output_features=5):
    X = torch.randn(batch_size, input_features)
    W = torch.randn(input_features, output_features)
    b = torch.randn(output_features)
    Y = torch.matmul(X, W) + b  # b is broadcast over the batch
    return X, W, b, Y


image = load_photo()
normalized, grayscale, flipped = image_transform_practice(image)
print("image:", tuple(image.shape), f"range [{image.min():.2f}, {image.max():.2f}]")
print("normalized range:", f"[{normalized.min():.2f}, {normalized.max():.2f}]")
print("grayscale:", tuple(grayscale.shape), "| flipped:", tuple(flipped.shape))

X, W, b, Y = batch_matrix_operations()
print("Y = XW + b:", tuple(X.shape), "@", tuple(W.shape), "+", tuple(b.shape), "->", tuple(Y.shape))

assert normalized.min() >= -1 and normalized.max() <= 1
assert grayscale.shape == (1, 1, 224, 224)
assert torch.equal(flipped[..., 0], image[..., -1])  # the first column is the old last column
# The batched product equals doing each row on its own.
assert torch.allclose(Y[7], X[7] @ W + b, atol=1e-6)

fig, axes = plt.subplots(1, 4, figsize=(12, 3.4))
panels = [(image, "original"), ((normalized + 1) / 2, "normalized to [-1, 1]\n(shown rescaled)"),
          (grayscale, "grayscale (channel mean)"), (flipped, "flipped horizontally")]
for axis, (picture, title) in zip(axes, panels):
    array = picture[0].permute(1, 2, 0).squeeze(-1).clamp(0, 1)
    axis.imshow(array, cmap="gray" if array.ndim == 2 else None)
    axis.set_title(title, fontsize=10)
    axis.axis("off")
fig.suptitle("Exercise 1 on a real photo (scikit-learn's china.jpg, resized to 224x224)")
plt.show()
