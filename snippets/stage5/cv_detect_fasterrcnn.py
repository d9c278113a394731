# roadmap 5.1 (project 2): torchvision's Faster R-CNN - the inputs it takes and the outputs it returns
import torch
from torchvision.models.detection import fasterrcnn_mobilenet_v3_large_320_fpn

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

# weights=None and weights_backbone=None: random weights, nothing is downloaded.
# num_classes counts the background as class 0, so two object classes -> 3.
model = fasterrcnn_mobilenet_v3_large_320_fpn(
    weights=None, weights_backbone=None, num_classes=3, min_size=128, max_size=128
).to(device)
num_params = sum(p.numel() for p in model.parameters())
print(f"Faster R-CNN (MobileNetV3 + FPN): {num_params / 1e6:.1f} M parameters")
assert 18e6 < num_params < 20e6

# Inputs are a *list* of 3xHxW images in [0, 1] (sizes may differ) and, for training,
# one dict per image with boxes in (x0, y0, x1, y1) pixels and their labels.
images = [torch.rand(3, 128, 128, device=device), torch.rand(3, 96, 128, device=device)]
targets = [
    {"boxes": torch.tensor([[10.0, 20.0, 50.0, 60.0]], device=device), "labels": torch.tensor([1], device=device)},
    {"boxes": torch.tensor([[5.0, 5.0, 40.0, 30.0], [60.0, 40.0, 100.0, 90.0]], device=device),
     "labels": torch.tensor([2, 1], device=device)},
]

# Training mode: the model returns its four losses (RPN + detection head); you sum and backpropagate.
model.train()
losses = model(images, targets)
for name, value in losses.items():
    print(f"  {name:<18} {value.item():.3f}")
sum(losses.values()).backward()
assert set(losses) == {"loss_classifier", "loss_box_reg", "loss_objectness", "loss_rpn_box_reg"}

# Eval mode: one dict per image with boxes, labels and scores, already mapped back to input size.
model.eval()
with torch.no_grad():
    predictions = model(images)
for i, p in enumerate(predictions):
    print(f"image {i}: boxes {tuple(p['boxes'].shape)}, labels {tuple(p['labels'].shape)}, scores {tuple(p['scores'].shape)}")
    assert p["boxes"].shape[1] == 4 and len(p["boxes"]) == len(p["labels"]) == len(p["scores"])
