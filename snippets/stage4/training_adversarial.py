# FGSM attacks and adversarial training on real handwritten digits
import matplotlib.pyplot as plt
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

digits = load_digits()
images = torch.tensor(digits.data, dtype=torch.float32) / 16.0  # pixels in [0, 1]
labels = torch.tensor(digits.target)
order = torch.randperm(len(images))
train_idx, test_idx = order[:1400], order[1400:]
train_loader = DataLoader(TensorDataset(images[train_idx], labels[train_idx]), batch_size=64, shuffle=True)
test_x, test_y = images[test_idx].to(device), labels[test_idx].to(device)
# leak check: no test digit is also a training digit, pixel for pixel (the digits have no exact duplicates,
# so no deduplication is needed; the same writers are on both sides all the same: no writer ids ship).
assert not {tuple(r) for r in images[test_idx].flatten(1).tolist()} & {tuple(r) for r in images[train_idx].flatten(1).tolist()}

epsilon = 0.1  # each pixel may move by at most 10% of its range


def fgsm(model, x, y, epsilon):
    """Fast Gradient Sign Method: one step in the direction that increases the loss the most."""
    x = x.clone().requires_grad_(True)
    loss = F.cross_entropy(model(x), y)
    (grad,) = torch.autograd.grad(loss, x)
    return (x + epsilon * grad.sign()).clamp(0, 1).detach()  # stay a valid image


def accuracy(model, x, y):
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


def train(adversarial, num_epochs=15):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10)).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(num_epochs):
        for x, y in train_loader:
            x, y = x.to(device), y.to(device)
            if adversarial:
                # Attack the *current* model, then learn from clean and attacked images together
                model.eval()
                x_adv = fgsm(model, x, y, epsilon)
                model.train()
                loss = 0.5 * F.cross_entropy(model(x), y) + 0.5 * F.cross_entropy(model(x_adv), y)
            else:
                loss = F.cross_entropy(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    model.eval()
    return model


results, models = {}, {}
for name, adversarial in [("standard training", False), ("adversarial training", True)]:
    model = models[name] = train(adversarial)
    test_x_adv = fgsm(model, test_x, test_y, epsilon)  # a fresh attack on this very model
    results[name] = (accuracy(model, test_x, test_y), accuracy(model, test_x_adv, test_y))

print(f"FGSM, epsilon = {epsilon}    clean acc   acc under attack")
for name, (clean, attacked) in results.items():
    print(f"{name:<22}   {clean:9.3f}   {attacked:16.3f}")

standard_clean, standard_attacked = results["standard training"]
robust_clean, robust_attacked = results["adversarial training"]
assert standard_attacked < standard_clean - 0.2  # a tiny perturbation fools the standard model
assert robust_attacked > standard_attacked + 0.2  # adversarial training makes it far more robust
assert robust_clean >= 0.9  # ... while still classifying clean digits well

# What the attack looks like: the first six test digits that FGSM fools, against the standard model
standard = models["standard training"]
test_x_adv = fgsm(standard, test_x, test_y, epsilon)
with torch.no_grad():
    clean_pred, adv_pred = standard(test_x).argmax(1), standard(test_x_adv).argmax(1)
fooled = torch.nonzero((clean_pred == test_y) & (adv_pred != test_y)).flatten()[:6]
figure, axes = plt.subplots(2, 6, figsize=(8, 3.4))
for col, i in enumerate(fooled.tolist()):
    for row, (image, pred) in enumerate([(test_x[i], clean_pred[i]), (test_x_adv[i], adv_pred[i])]):
        axes[row, col].imshow(image.reshape(8, 8).cpu(), cmap="gray_r", vmin=0, vmax=1)
        axes[row, col].set_title(f"{'clean' if row == 0 else 'attacked'}: {pred.item()}", fontsize=9,
                                 color="black" if pred == test_y[i] else "red")
        axes[row, col].axis("off")
figure.suptitle(f"FGSM with epsilon {epsilon}: six test digits the standard model gets wrong after the attack")
figure.tight_layout()
plt.show()
