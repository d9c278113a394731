# roadmap 5.1 (project 1): the full-size version - fine-tune ImageNet-pretrained ResNet-18 on CIFAR-10 (downloads)
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from torchvision import datasets, models
from torchvision.transforms import v2

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

weights = models.ResNet18_Weights.IMAGENET1K_V1
normalize = v2.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])
train_transform = v2.Compose([
    v2.ToImage(), v2.RandomResizedCrop(224, scale=(0.6, 1.0)), v2.RandomHorizontalFlip(),
    v2.ToDtype(torch.float32, scale=True), normalize,
])
test_transform = v2.Compose([v2.ToImage(), v2.Resize(224), v2.ToDtype(torch.float32, scale=True), normalize])
train_set = datasets.CIFAR10("data", train=True, download=True, transform=train_transform)
test_set = datasets.CIFAR10("data", train=False, download=True, transform=test_transform)
train_loader = DataLoader(train_set, batch_size=128, shuffle=True, num_workers=4)
test_loader = DataLoader(test_set, batch_size=256, num_workers=4)

model = models.resnet18(weights=weights)                 # downloads the ImageNet weights
model.fc = nn.Linear(model.fc.in_features, 10)           # new head for 10 classes
model = model.to(device)
optimizer = torch.optim.AdamW([
    {"params": [p for n, p in model.named_parameters() if not n.startswith("fc.")], "lr": 1e-4},
    {"params": model.fc.parameters(), "lr": 1e-3},
])
for epoch in range(3):
    model.train()
    for images, targets in train_loader:
        loss = F.cross_entropy(model(images.to(device)), targets.to(device))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    correct = 0
    with torch.no_grad():
        for images, targets in test_loader:
            correct += (model(images.to(device)).argmax(1).cpu() == targets).sum().item()
    print(f"epoch {epoch + 1}: test accuracy {correct / len(test_set):.3f}")
