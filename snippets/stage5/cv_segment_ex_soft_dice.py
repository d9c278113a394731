# exercise added by this site (lesson 5.1): a soft Dice loss that can be trained with gradient descent
import torch

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


def soft_dice_loss(logits, target, eps=1e-6):
    """1 - Dice, computed on probabilities instead of 0/1 masks, so it has a gradient."""
    probs = torch.sigmoid(logits)
    intersection = (probs * target).sum()
    return 1 - (2 * intersection + eps) / (probs.sum() + target.sum() + eps)


target = torch.zeros(1, 1, 16, 16, device=device)
target[..., 4:12, 4:12] = 1.0                       # a square to segment: 64 of 256 pixels
print(f"perfect prediction: {soft_dice_loss((target * 2 - 1) * 20, target).item():.4f}")
print(f"all background:     {soft_dice_loss(torch.full_like(target, -20.0), target).item():.4f}")
assert soft_dice_loss((target * 2 - 1) * 20, target) < 1e-3    # confident and right -> 0
assert soft_dice_loss(torch.full_like(target, -20.0), target) > 0.999  # predicts nothing -> 1

# Gradient descent on the logits themselves drives the loss down to (almost) zero.
logits = torch.zeros_like(target, requires_grad=True)
optimizer = torch.optim.Adam([logits], lr=0.1)
for step in range(200):
    loss = soft_dice_loss(logits, target)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
predicted = torch.sigmoid(logits) > 0.5
print(f"after 200 steps: loss {loss.item():.4f}, mask pixels right: {(predicted == target.bool()).float().mean().item():.0%}")
assert loss.item() < 0.01 and torch.equal(predicted, target.bool())
