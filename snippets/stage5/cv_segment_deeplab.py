# roadmap 5.1 (project 3): DeepLabV3 from torchvision - its inputs, outputs and one training step
import math

import torch
import torch.nn.functional as F
from torchvision.models.segmentation import deeplabv3_mobilenet_v3_large

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
SIZE = 64


def make_dataset(n, seed):
    """The same generated 'cells' as the U-Net page: bright blurred ellipses, uneven light, noise."""
    g = torch.Generator().manual_seed(seed)
    ys, xs = torch.meshgrid(torch.arange(SIZE) + 0.5, torch.arange(SIZE) + 0.5, indexing="ij")
    images, masks = torch.zeros(n, 1, SIZE, SIZE), torch.zeros(n, SIZE, SIZE, dtype=torch.long)
    for i in range(n):
        angle = torch.rand(1, generator=g).item() * 2 * math.pi
        image = 0.25 * (xs * math.cos(angle) + ys * math.sin(angle)) / SIZE + 0.2
        mask = torch.zeros(SIZE, SIZE, dtype=torch.bool)
        for _ in range(int(torch.randint(3, 8, (1,), generator=g))):
            cx, cy = (torch.rand(2, generator=g) * (SIZE - 16) + 8).tolist()
            a, b = (torch.rand(2, generator=g) * 5 + 4).tolist()
            theta = torch.rand(1, generator=g).item() * math.pi
            u = (xs - cx) * math.cos(theta) + (ys - cy) * math.sin(theta)
            v = -(xs - cx) * math.sin(theta) + (ys - cy) * math.cos(theta)
            cell = (u / a) ** 2 + (v / b) ** 2 <= 1
            image = torch.where(cell, image + 0.25 + 0.5 * torch.rand(1, generator=g).item(), image)
            mask |= cell
        image = F.avg_pool2d(image[None, None], 3, stride=1, padding=1, count_include_pad=False)[0, 0]
        images[i, 0] = image + 0.08 * torch.randn(SIZE, SIZE, generator=g)
        masks[i] = mask.long()  # class index per pixel: 0 background, 1 cell
    return images.repeat(1, 3, 1, 1), masks  # DeepLab's backbone expects 3 channels


images, masks = make_dataset(8, seed=1)

# weights=None, weights_backbone=None: no download. aux_loss=False: only the main head.
model = deeplabv3_mobilenet_v3_large(weights=None, weights_backbone=None, num_classes=2, aux_loss=False).to(device)
num_params = sum(p.numel() for p in model.parameters())
print(f"DeepLabV3-MobileNetV3: {num_params / 1e6:.2f} M parameters")
assert 10e6 < num_params < 12e6

# The model returns a dict; "out" holds per-pixel class scores at the *input* resolution
# (the backbone works at 1/16 of it, the ASPP head's output is upsampled bilinearly).
model.eval()
with torch.no_grad():
    out = model(images[:2].to(device))
    features = model.backbone(images[:2].to(device))["out"]
print(f"input {tuple(images[:2].shape)} -> output keys {list(out)}, out {tuple(out['out'].shape)}")
print(f"backbone features: {tuple(features.shape)} (1/16 of the input resolution)")
assert list(out) == ["out"] and out["out"].shape == (2, 2, SIZE, SIZE)
assert features.shape[-2:] == (SIZE // 16, SIZE // 16)

# One training step: per-pixel cross-entropy (the multi-class form of the U-Net's BCE) and backward.
# Trained from random weights DeepLab needs far more steps than our CPU budget, so we stop here;
# with ImageNet weights_backbone (a download) it is the usual starting point for real data.
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
model.train()
logits = model(images.to(device))["out"]
loss = F.cross_entropy(logits, masks.to(device))
optimizer.zero_grad()
loss.backward()
optimizer.step()
print(f"one training step on {len(images)} images: loss {loss.item():.3f}")
assert torch.isfinite(loss) and all(p.grad is not None for p in model.classifier.parameters())
