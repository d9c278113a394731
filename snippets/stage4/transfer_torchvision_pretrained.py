# roadmap 4.1.1: ImageNet-pretrained torchvision models with the weights API (downloads weights)
import torch
import torch.nn as nn
import torch.optim as optim
from torchvision import models
from torchvision.models import EfficientNet_B0_Weights, ResNet50_Weights, VGG16_Weights

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

# 1. Load pretrained models. DEFAULT is the best available weights for each architecture.
resnet50 = models.resnet50(weights=ResNet50_Weights.DEFAULT)
vgg16 = models.vgg16(weights=VGG16_Weights.DEFAULT)
efficientnet = models.efficientnet_b0(weights=EfficientNet_B0_Weights.DEFAULT)

# Each weights enum carries the exact preprocessing its model was trained with.
weights = ResNet50_Weights.DEFAULT
preprocess = weights.transforms()
print(preprocess)
print("ImageNet classes:", len(weights.meta["categories"]))

# 2. Feature extraction: freeze everything, then replace the last layer.
model = models.resnet50(weights=weights)
for param in model.parameters():
    param.requires_grad = False
num_features = model.fc.in_features  # 2048
model.fc = nn.Linear(num_features, 10)  # new layers are trainable by default

# 3. Fine-tuning: additionally unfreeze the last residual stage.
for name, param in model.named_parameters():
    param.requires_grad = "layer4" in name or "fc" in name

# 4. Different learning rates for the pretrained stage and the new head.
backbone_params = [p for name, p in model.named_parameters() if p.requires_grad and "fc" not in name]
head_params = [p for name, p in model.named_parameters() if p.requires_grad and "fc" in name]
optimizer = optim.SGD([
    {"params": backbone_params, "lr": 0.001},
    {"params": head_params, "lr": 0.01},
], momentum=0.9)

model = model.to(device).eval()
with torch.no_grad():
    image = torch.rand(3, 256, 256)  # stands in for a real photo (a uint8 or float tensor, or a PIL image)
    logits = model(preprocess(image).unsqueeze(0).to(device))
print(logits.shape)  # torch.Size([1, 10])
