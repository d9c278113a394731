# exercise added by this site (lesson 5.1): freeze a pretrained backbone and train only the new head
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

backbone = nn.Sequential(
    nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
)
head = nn.Linear(32, 5)  # a new head for the 5 target classes
model = nn.Sequential(backbone, head).to(device)

backbone.requires_grad_(False)  # feature extraction: the backbone's weights stay as they are
trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
total = sum(p.numel() for p in model.parameters())
print(f"trainable parameters: {trainable} of {total}")

# Give the optimizer only what should change (it would skip the frozen ones anyway, as their .grad is None).
optimizer = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.1)
before = {name: p.detach().clone() for name, p in model.named_parameters()}
images, labels = torch.randn(8, 1, 16, 16, device=device), torch.randint(0, 5, (8,), device=device)
loss = F.cross_entropy(model(images), labels)
loss.backward()
optimizer.step()

changed = {name for name, p in model.named_parameters() if not torch.equal(p, before[name])}
print("changed after one step:", sorted(changed))
assert trainable == 32 * 5 + 5
assert changed == {"1.weight", "1.bias"}                      # only the head moved
assert all(p.grad is None for p in backbone.parameters())     # no gradients were even computed for it
