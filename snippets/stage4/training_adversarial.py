# FGSM attacks and adversarial training on real handwritten digits
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


results = {}
for name, adversarial in [("standard training", False), ("adversarial training", True)]:
    model = train(adversarial)
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
