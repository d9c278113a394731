# exercise added by this site (lesson 5.1): Dice and IoU of binary masks, and the formula that links them
import torch

torch.manual_seed(0)


def dice(pred, target):
    intersection = (pred & target).sum().item()
    return 2 * intersection / (pred.sum().item() + target.sum().item())


def iou(pred, target):
    return (pred & target).sum().item() / (pred | target).sum().item()


# Two 10x10 squares on a 20x20 image, shifted by 5 pixels: they share 50 pixels.
a = torch.zeros(20, 20, dtype=torch.bool)
b = torch.zeros(20, 20, dtype=torch.bool)
a[0:10, 0:10] = True
b[0:10, 5:15] = True
print(f"shifted squares: Dice {dice(a, b):.3f}, IoU {iou(a, b):.3f}")
assert abs(dice(a, b) - 0.5) < 1e-9 and abs(iou(a, b) - 1 / 3) < 1e-9

# On any pair of masks, Dice = 2 IoU / (1 + IoU): the two metrics rank predictions the same way,
# and Dice is always at least as large as IoU.
for _ in range(100):
    pred, target = torch.rand(32, 32) < torch.rand(1), torch.rand(32, 32) < torch.rand(1)
    if (pred | target).any():
        d, j = dice(pred, target), iou(pred, target)
        assert abs(d - 2 * j / (1 + j)) < 1e-9 and d >= j
print("Dice = 2 IoU / (1 + IoU) on 100 random mask pairs")
