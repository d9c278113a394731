# roadmap 3.2.3: the residual block and ResNet-18 (CIFAR-style: 3-channel 32x32 input)
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


class ResidualBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        # bias=False: the BatchNorm right after each conv has its own shift, a conv bias would be redundant.
        self.conv1 = nn.Conv2d(in_channels, out_channels, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)

        # The shortcut must produce the same shape as the main path so the two can be added:
        # identity when shapes match, otherwise a 1x1 conv ("projection") that fixes channels and stride.
        self.shortcut = nn.Sequential()
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm2d(out_channels),
            )

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out = out + self.shortcut(x)  # the residual connection: learn F(x), output F(x) + x
        return F.relu(out)


class ResNet(nn.Module):
    def __init__(self, block, num_blocks, num_classes=10):
        super().__init__()
        self.in_channels = 64
        # CIFAR-style stem: a 3x3 conv and no max-pool, since 32x32 images are already small.
        self.conv1 = nn.Conv2d(3, 64, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.layer1 = self._make_layer(block, 64, num_blocks[0], stride=1)
        self.layer2 = self._make_layer(block, 128, num_blocks[1], stride=2)
        self.layer3 = self._make_layer(block, 256, num_blocks[2], stride=2)
        self.layer4 = self._make_layer(block, 512, num_blocks[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512, num_classes)

    def _make_layer(self, block, out_channels, num_blocks, stride):
        # Only the first block of a stage downsamples; the rest keep the shape.
        strides = [stride] + [1] * (num_blocks - 1)
        layers = []
        for s in strides:
            layers.append(block(self.in_channels, out_channels, s))
            self.in_channels = out_channels
        return nn.Sequential(*layers)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.layer1(out)
        out = self.layer2(out)
        out = self.layer3(out)
        out = self.layer4(out)
        out = self.avgpool(out)
        out = torch.flatten(out, 1)
        return self.fc(out)


# One block on its own: a stride-2 block halves the size and gets a projection shortcut.
block = ResidualBlock(64, 128, stride=2)
y = block(torch.randn(2, 64, 32, 32))
print(f"ResidualBlock(64, 128, stride=2): (2, 64, 32, 32) -> {tuple(y.shape)}, "
      f"projection shortcut: {len(block.shortcut) > 0}")
assert y.shape == (2, 128, 16, 16) and len(ResidualBlock(64, 64).shortcut) == 0

# ResNet-18 = stem + 4 stages of 2 blocks (2 convs each) + fc: 1 + 16 + 1 = 18 weight layers.
model = ResNet(ResidualBlock, [2, 2, 2, 2]).to(device)
x = torch.randn(2, 3, 32, 32, device=device)

print(f"\n{'stage':<8} output shape")
out = F.relu(model.bn1(model.conv1(x)))
shapes = [tuple(out.shape)]
print(f"{'stem':<8} {tuple(out.shape)}")
for name in ["layer1", "layer2", "layer3", "layer4"]:
    out = getattr(model, name)(out)
    shapes.append(tuple(out.shape))
    print(f"{name:<8} {tuple(out.shape)}")
# The resolution halves three times while the channels double: 32 -> 16 -> 8 -> 4, 64 -> 512.
assert shapes == [(2, 64, 32, 32), (2, 64, 32, 32), (2, 128, 16, 16), (2, 256, 8, 8), (2, 512, 4, 4)]

logits = model(x)
num_params = sum(p.numel() for p in model.parameters())
print(f"\nResNet-18 output: {tuple(logits.shape)}, parameters: {num_params:,}")
assert logits.shape == (2, 10)
assert num_params == 11_173_962  # the well-known size of CIFAR ResNet-18
