# exercise added by this site (lesson 5.1): pixel accuracy vs Dice for a network that predicts only background
import torch

target = torch.zeros(100, 100, dtype=torch.bool)
target[30:67, 30:67] = True                       # one 37 x 37 object: 13.69 % of the pixels
prediction = torch.zeros_like(target)             # "background everywhere"

accuracy = (prediction == target).float().mean().item()
dice = (2 * (prediction & target).sum() / (prediction.sum() + target.sum())).item()
print(f"foreground {target.float().mean():.2%}, pixel accuracy {accuracy:.2%}, Dice {dice:.2f}")
assert accuracy > 0.86 and dice == 0
