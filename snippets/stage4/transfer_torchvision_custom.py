# roadmap 4.1.2: a custom head on an ImageNet-pretrained ResNet-50 (downloads weights)
import torch
import torch.nn as nn
from torchvision import models
from torchvision.models import ResNet50_Weights

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


class TransferLearningModel(nn.Module):
    def __init__(self, num_classes, freeze_backbone=True):
        super().__init__()
        backbone = models.resnet50(weights=ResNet50_Weights.DEFAULT)
        if freeze_backbone:
            for param in backbone.parameters():
                param.requires_grad = False
        # Everything except the final fc layer: conv1 ... layer4, avgpool
        self.features = nn.Sequential(*list(backbone.children())[:-1])
        self.classifier = nn.Sequential(
            nn.Dropout(0.5),
            nn.Linear(2048, 512),
            nn.ReLU(),
            nn.Dropout(0.3),
            nn.Linear(512, num_classes),
        )

    def forward(self, x):
        x = self.features(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)


model = TransferLearningModel(num_classes=10).to(device)
# Inside nn.Sequential the children are numbered: layer2/3/4 are features.5/6/7.
stage_prefixes = {"layer2": "features.5", "layer3": "features.6", "layer4": "features.7"}
trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
print(f"trainable parameters with a frozen backbone: {trainable:,}")
print("layer4 is", type(model.features[7]).__name__, "named", stage_prefixes["layer4"])
