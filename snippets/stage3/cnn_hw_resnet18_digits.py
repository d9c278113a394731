# roadmap 3.2 homework 1: train ResNet-18 (CPU-sized) on real digits at 16x16
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


class ResidualBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                nn.BatchNorm2d(out_channels),
            )

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class ResNet(nn.Module):
    """The lesson's ResNet with two knobs: input channels and the width of the first stage."""

    def __init__(self, block, num_blocks, num_classes=10, in_channels=3, width=64):
        super().__init__()
        self.in_channels = width
        self.conv1 = nn.Conv2d(in_channels, width, 3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.layer1 = self._make_layer(block, width, num_blocks[0], stride=1)
        self.layer2 = self._make_layer(block, width * 2, num_blocks[1], stride=2)
        self.layer3 = self._make_layer(block, width * 4, num_blocks[2], stride=2)
        self.layer4 = self._make_layer(block, width * 8, num_blocks[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(width * 8, num_classes)

    def _make_layer(self, block, out_channels, num_blocks, stride):
        layers = []
        for s in [stride] + [1] * (num_blocks - 1):
            layers.append(block(self.in_channels, out_channels, s))
            self.in_channels = out_channels
        return nn.Sequential(*layers)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.layer4(self.layer3(self.layer2(self.layer1(out))))
        return self.fc(torch.flatten(self.avgpool(out), 1))


# Same depth as ResNet-18 (18 weight layers) but 1/8 of the width: about 64x fewer weights and
# multiply-adds, which is what makes it trainable on a laptop CPU.
model = ResNet(ResidualBlock, [2, 2, 2, 2], in_channels=1, width=8).to(device)
# channels_last (NHWC) is the memory layout oneDNN's CPU convolutions prefer (on a GPU, cuDNN's
# half-precision Tensor Core kernels do too); the model is the same, only how its tensors are stored
# in memory changes.
model = model.to(memory_format=torch.channels_last)
full = ResNet(ResidualBlock, [2, 2, 2, 2], in_channels=1, width=64)
n_small, n_full = (sum(p.numel() for p in m.parameters()) for m in (model, full))
print(f"ResNet-18 width 8: {n_small:,} parameters (width 64 would be {n_full:,}: {n_full / n_small:.1f}x)")
# Convolution weights scale with in_channels x out_channels, so 1/8 of the width is about 1/64 of them.
assert 60 <= n_full / n_small <= 64

digits = load_digits()
images = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0
# 16x16 doubles each side of the digits' 8x8: CIFAR's 32x32 would cost 4x the multiply-adds and add no
# detail to an 8x8 image. The three stride-2 stages still halve it three times: 16 -> 8 -> 4 -> 2.
images = F.interpolate(images, size=(16, 16), mode="bilinear", align_corners=False)
images = (images - 0.5) / 0.5
labels = torch.tensor(digits.target)
# sklearn's 1,797 digits hold no duplicate image, so a random split cannot put a copy on both sides.
assert len({im.numpy().tobytes() for im in images}) == len(images)
perm = torch.randperm(len(images), generator=torch.Generator().manual_seed(0))
train_idx, val_idx, test_idx = perm[:1200], perm[1200:1500], perm[1500:]
X_train, y_train = images[train_idx].to(device), labels[train_idx].to(device)
X_val, y_val = images[val_idx].to(device), labels[val_idx].to(device)
X_test, y_test = images[test_idx].to(device), labels[test_idx].to(device)
# leak check: no validation or test digit is a training digit, pixel for pixel.
seen = {im.cpu().numpy().tobytes() for im in X_train}
assert not {im.cpu().numpy().tobytes() for im in torch.cat([X_val, X_test])} & seen

num_epochs, batch_size = 4, 64
steps = num_epochs * ((len(X_train) + batch_size - 1) // batch_size)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)
# One-cycle: warm up then anneal; gets the most out of very few epochs.
scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, total_steps=steps)

for epoch in range(num_epochs):
    model.train()
    order = torch.randperm(len(X_train), device=device)
    for start in range(0, len(X_train), batch_size):
        idx = order[start:start + batch_size]
        loss = F.cross_entropy(model(X_train[idx]), y_train[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()  # OneCycleLR steps every batch
    model.eval()
    with torch.inference_mode():  # no autograd bookkeeping at all: the cheapest way to evaluate
        val_acc = (model(X_val).argmax(1) == y_val).float().mean().item()
    print(f"epoch {epoch + 1}: loss {loss.item():.3f}, validation accuracy {val_acc:.3f}")

with torch.inference_mode():  # the test digits, once, after training
    test_acc = (model(X_test).argmax(1) == y_test).float().mean().item()
assert test_acc >= 0.95
print(f"ResNet-18 (width 8) test accuracy: {test_acc:.1%}")
