# exercise added by this site (lesson 4.1): count by hand what feature extraction and partial fine-tuning train
import torch
import torch.nn as nn

torch.manual_seed(0)


class SmallCNN(nn.Module):
    """The network of transfer_strategies.py: three named blocks, then a linear head called `fc`."""

    def __init__(self, num_classes=5):
        super().__init__()
        self.block1 = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU())
        self.block2 = nn.Sequential(nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.block3 = nn.Sequential(nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten())
        self.fc = nn.Linear(32 * 2 * 2, num_classes)

    def forward(self, x):
        return self.fc(self.block3(self.block2(self.block1(x))))


# By hand: a convolution has out * in * k * k weights plus one bias per output channel;
# a linear layer has out * in weights plus out biases.
by_hand = {
    "block1": 16 * 1 * 3 * 3 + 16,    # 160
    "block2": 32 * 16 * 3 * 3 + 32,   # 4,640
    "block3": 32 * 32 * 3 * 3 + 32,   # 9,248
    "fc": 5 * (32 * 2 * 2) + 5,       # 645: the 8x8 image is pooled twice, to 2x2, with 32 channels
}
model = SmallCNN()
for block, expected in by_hand.items():
    counted = sum(p.numel() for p in getattr(model, block).parameters())
    print(f"{block:<7}{counted:>7,}")
    assert counted == expected, (block, counted, expected)


def trainable(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


total = trainable(model)
for p in model.parameters():  # feature extraction: freeze everything, then unfreeze the head
    p.requires_grad = False
for p in model.fc.parameters():
    p.requires_grad = True
feature_extraction = trainable(model)
for p in model.block3.parameters():  # partial fine-tuning: the last block joins the head
    p.requires_grad = True
partial = trainable(model)

print(f"all {total:,}; feature extraction {feature_extraction:,} ({feature_extraction / total:.1%}); "
      f"partial fine-tuning {partial:,} ({partial / total:.1%})")
assert total == sum(by_hand.values()) == 14_693
assert feature_extraction == by_hand["fc"] == 645
assert partial == by_hand["block3"] + by_hand["fc"] == 9_893

# Freezing is two things: the optimizer should get only what is trainable
optimizer = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.01, momentum=0.9)
assert sum(p.numel() for group in optimizer.param_groups for p in group["params"]) == partial
