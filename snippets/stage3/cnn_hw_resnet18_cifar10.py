# roadmap 3.2 homework 1: the full version, ResNet-18 on CIFAR-10 (downloads 170 MB; a GPU recommended)
import torch
import torch.nn as nn
import torchvision
from torch.utils.data import DataLoader
from torchvision import transforms

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

# Standard CIFAR-10 recipe: random crop with padding + horizontal flip, per-channel normalization.
mean, std = (0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616)
train_tf = transforms.Compose([
    transforms.RandomCrop(32, padding=4),
    transforms.RandomHorizontalFlip(),
    transforms.ToTensor(),
    transforms.Normalize(mean, std),
])
test_tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize(mean, std)])
train_set = torchvision.datasets.CIFAR10("data", train=True, download=True, transform=train_tf)
test_set = torchvision.datasets.CIFAR10("data", train=False, download=True, transform=test_tf)
train_loader = DataLoader(train_set, batch_size=128, shuffle=True, num_workers=4)
test_loader = DataLoader(test_set, batch_size=512, num_workers=4)

# torchvision's ResNet-18 is built for 224x224 ImageNet; for 32x32 images swap the stem for a
# 3x3 conv without max-pool (exactly the lesson's ResNet class).
model = torchvision.models.resnet18(weights=None, num_classes=10)
model.conv1 = nn.Conv2d(3, 64, kernel_size=3, stride=1, padding=1, bias=False)
model.maxpool = nn.Identity()
model = model.to(device)

num_epochs = 30
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4, nesterov=True)
scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, total_steps=num_epochs * len(train_loader))

for epoch in range(num_epochs):
    model.train()
    for images, labels in train_loader:
        images, labels = images.to(device), labels.to(device)
        loss = criterion(model(images), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
    print(f"epoch {epoch + 1}: last batch loss {loss.item():.3f}")

# A fixed recipe (no epoch is chosen), so the test set is used once, after training.
model.eval()
correct = 0
with torch.no_grad():
    for images, labels in test_loader:
        correct += (model(images.to(device)).argmax(1).cpu() == labels).sum().item()
print(f"test accuracy {correct / len(test_set):.3f}")
torch.save(model.state_dict(), "resnet18_cifar10.pth")
