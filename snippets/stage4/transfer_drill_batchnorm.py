# exercise added by this site (lesson 4.1): a frozen backbone with batch norm still changes in train() mode
import copy

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

# A "pretrained" backbone with batch norm (its running statistics come from the source data),
# and a new head for the new task.
backbone = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten())
with torch.no_grad():
    for _ in range(20):  # source data: mean 0, std 1
        backbone(torch.randn(32, 1, 8, 8))
head = nn.Linear(8, 3)

# The new task's images look different: mean 2, std 3
new_x, new_y = 2 + 3 * torch.randn(64, 1, 8, 8), torch.randint(3, (64,))


def fine_tune_head(backbone, freeze_bn_statistics):
    backbone = copy.deepcopy(backbone)
    for param in backbone.parameters():
        param.requires_grad = False  # frozen: no gradients, no updates
    if freeze_bn_statistics:
        backbone.eval()  # batch norm uses (and keeps) its stored running statistics
    optimizer = torch.optim.SGD(head.parameters(), lr=0.01)
    for _ in range(10):
        loss = F.cross_entropy(head(backbone(new_x)), new_y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return backbone


before = backbone[1].running_mean.clone()
for freeze_bn_statistics in (False, True):
    tuned = fine_tune_head(backbone, freeze_bn_statistics)
    change = (tuned[1].running_mean - before).abs().max().item()
    weights_equal = all(torch.equal(a, b) for a, b in zip(tuned.parameters(), backbone.parameters()))
    mode = "backbone.eval()" if freeze_bn_statistics else "train() mode   "
    print(f"{mode}: weights unchanged: {weights_equal}, largest change of a BN running mean: {change:.3f}")
    assert weights_equal  # requires_grad=False really froze the weights ...
    if freeze_bn_statistics:
        assert change == 0.0  # ... and eval() freezes the statistics too
    else:
        assert change > 0.1  # ... but in train() mode batch norm kept learning the new data's statistics
