# roadmap 3.2.2: LeNet-5, trained on real handwritten digits
import matplotlib.pyplot as plt
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


class LeNet5(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, kernel_size=5, padding=2),   # 1x28x28 -> 6x28x28
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2),       # -> 6x14x14
            nn.Conv2d(6, 16, kernel_size=5),             # -> 16x10x10
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2),       # -> 16x5x5
        )
        self.classifier = nn.Sequential(
            nn.Linear(16 * 5 * 5, 120),
            nn.ReLU(),
            nn.Linear(120, 84),
            nn.ReLU(),
            nn.Linear(84, num_classes),
        )

    def forward(self, x):
        x = self.features(x)
        x = torch.flatten(x, 1)  # (batch, 16, 5, 5) -> (batch, 400)
        return self.classifier(x)


model = LeNet5().to(device)
x = torch.randn(32, 1, 28, 28, device=device)
print("random batch:", tuple(x.shape), "->", tuple(model(x).shape))
assert model(x).shape == (32, 10)

# Real data: sklearn's 8x8 digits, upscaled to the 28x28 LeNet expects.
digits = load_digits()
images = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0   # (1797, 1, 8, 8)
images = F.interpolate(images, size=(28, 28), mode="bilinear", align_corners=False)
labels = torch.tensor(digits.target)
# sklearn's 1,797 digits hold no duplicate image, so a random split cannot put a copy on both sides.
assert len({im.numpy().tobytes() for im in images}) == len(images)
perm = torch.randperm(len(images), generator=torch.Generator().manual_seed(0))
# Validation digits watch training; test digits are looked at once, at the very end.
train_idx, val_idx, test_idx = perm[:1400], perm[1400:1600], perm[1600:]
X_train, y_train = images[train_idx].to(device), labels[train_idx].to(device)
X_val, y_val = images[val_idx].to(device), labels[val_idx].to(device)
X_test, y_test = images[test_idx].to(device), labels[test_idx].to(device)
# leak check: no validation or test digit is a training digit, pixel for pixel.
seen = {im.cpu().numpy().tobytes() for im in X_train}
assert not {im.cpu().numpy().tobytes() for im in torch.cat([X_val, X_test])} & seen
print(f"train {tuple(X_train.shape)}, validation {tuple(X_val.shape)}, test {tuple(X_test.shape)}")

optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
batch_size = 64
for epoch in range(8):
    model.train()
    order = torch.randperm(len(X_train), device=device)
    for start in range(0, len(X_train), batch_size):
        idx = order[start:start + batch_size]
        loss = F.cross_entropy(model(X_train[idx]), y_train[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        val_acc = (model(X_val).argmax(1) == y_val).float().mean().item()
    print(f"epoch {epoch + 1}: last batch loss {loss.item():.3f}, validation accuracy {val_acc:.3f}")

# Training is over and nothing is chosen any more: the test digits are used once.
with torch.no_grad():
    test_acc = (model(X_test).argmax(1) == y_test).float().mean().item()
assert test_acc >= 0.95
print(f"LeNet-5 test accuracy on {len(X_test)} unseen digits: {test_acc:.1%}")

# What the trained network learned: the 6 first-layer filters, and the feature maps they produce
# on one test digit (the output of the first convolution + ReLU, 6 maps of 28x28).
digit = X_test[:1]
with torch.no_grad():
    feature_maps = model.features[1](model.features[0](digit))[0].cpu()
filters = model.features[0].weight.detach().cpu()[:, 0]          # (6, 5, 5)
assert filters.shape == (6, 5, 5) and feature_maps.shape == (6, 28, 28)

fig, axes = plt.subplots(2, 7, figsize=(9, 3.2))
axes[0, 0].imshow(digit[0, 0].cpu(), cmap="gray_r")
axes[0, 0].set_title(f"input ({y_test[0].item()})", fontsize=9)
axes[1, 0].axis("off")
for k in range(6):
    limit = filters[k].abs().max()
    axes[0, k + 1].imshow(filters[k], cmap="RdBu_r", vmin=-limit, vmax=limit)
    axes[0, k + 1].set_title(f"filter {k}", fontsize=9)
    axes[1, k + 1].imshow(feature_maps[k], cmap="viridis")
    axes[1, k + 1].set_title(f"map {k}", fontsize=9)
for ax in axes.flat:
    ax.set_xticks([])
    ax.set_yticks([])
fig.suptitle("LeNet-5: learned 5×5 filters (top, red +, blue -) and their feature maps on one test digit", fontsize=10)
plt.tight_layout()
plt.show()
