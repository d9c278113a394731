# roadmap 3.2 homework 2: does data augmentation help? Same model, same 150 training digits, with and without it
import math

import matplotlib.pyplot as plt
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

digits = load_digits()
images = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0
images = F.interpolate(images, size=(28, 28), mode="bilinear", align_corners=False)
labels = torch.tensor(digits.target)
# sklearn's 1,797 digits hold no duplicate image, so a random split cannot put a copy on both sides.
assert len({im.numpy().tobytes() for im in images}) == len(images)
perm = torch.randperm(len(images), generator=torch.Generator().manual_seed(0))
# Augmentation matters most when data is scarce: train on only 150 images (15 per class on average).
# Validation digits draw the curves and decide; the test digits are used once per model, at the end.
train_idx, val_idx, test_idx = perm[:150], perm[150:750], perm[750:]
X_train, y_train = images[train_idx].to(device), labels[train_idx].to(device)
X_val, y_val = images[val_idx].to(device), labels[val_idx].to(device)
X_test, y_test = images[test_idx].to(device), labels[test_idx].to(device)
# leak check: no validation or test digit is a training digit, pixel for pixel.
seen = {im.cpu().numpy().tobytes() for im in X_train}
assert not {im.cpu().numpy().tobytes() for im in torch.cat([X_val, X_test])} & seen


def random_affine(batch, max_degrees=15.0, max_shift=0.15, max_zoom=0.15):
    """A different random rotation, shift and zoom for every image of the batch.

    Same idea as torchvision's v2.RandomAffine, but applied to the whole batch at once with
    affine_grid/grid_sample, which is far faster than transforming small images one by one.
    """
    n = batch.size(0)
    angle = (torch.rand(n, device=batch.device) * 2 - 1) * math.radians(max_degrees)
    zoom = 1 + (torch.rand(n, device=batch.device) * 2 - 1) * max_zoom
    shift = (torch.rand(n, 2, device=batch.device) * 2 - 1) * max_shift * 2  # grid coordinates span [-1, 1]
    cos, sin = torch.cos(angle) / zoom, torch.sin(angle) / zoom
    theta = torch.stack([torch.stack([cos, -sin, shift[:, 0]], 1),
                         torch.stack([sin, cos, shift[:, 1]], 1)], 1)        # (n, 2, 3)
    grid = F.affine_grid(theta, batch.shape, align_corners=False)
    return F.grid_sample(batch, grid, align_corners=False)                   # zeros fill the borders


def make_model():
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 7 * 7, 10),
    ).to(device, memory_format=torch.channels_last)  # NHWC: the layout oneDNN's CPU convolutions prefer


def run(augment, num_epochs=40, batch_size=32, eval_every=4):
    torch.manual_seed(0)  # same initial weights and batch order for both runs
    model = make_model()
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3, fused=True)  # fused: each parameter's whole Adam update in one kernel
    train_accs, val_accs = [], []
    for epoch in range(num_epochs):
        model.train()
        correct = 0
        order = torch.randperm(len(X_train), device=device)
        for start in range(0, len(X_train), batch_size):
            idx = order[start:start + batch_size]
            x = random_affine(X_train[idx]) if augment else X_train[idx]  # fresh randomness every epoch
            out = model(x)
            loss = F.cross_entropy(out, y_train[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            correct += (out.argmax(1) == y_train[idx]).sum().item()
        train_accs.append(correct / len(X_train))
        if (epoch + 1) % eval_every == 0:
            model.eval()
            with torch.inference_mode():  # no autograd bookkeeping: the cheapest way to evaluate
                val_accs.append((model(X_val).argmax(1) == y_val).float().mean().item())
    model.eval()
    with torch.inference_mode():  # the test digits, once, after the last epoch
        test_acc = (model(X_test).argmax(1) == y_test).float().mean().item()
    return train_accs, val_accs, test_acc


results = {"no augmentation": run(augment=False), "augmentation": run(augment=True)}


def final(accs):
    return sum(accs[-3:]) / 3  # average of the last 3 measurements: less noisy than a single one


print(f"{'':<16} {'train acc':>9} {'val acc':>7} {'test acc':>8}   (train, val: mean of the last 3 measurements)")
for name, (train_accs, val_accs, test_acc) in results.items():
    print(f"{name:<16} {final(train_accs):>9.3f} {final(val_accs):>7.3f} {test_acc:>8.3f}")

# Choosing between the two recipes is model selection, so it is made on the validation digits.
gain = final(results["augmentation"][1]) - final(results["no augmentation"][1])
print(f"augmentation changes validation accuracy by {gain:+.3f} on {len(y_val)} validation images")
assert final(results["no augmentation"][0]) == 1.0  # without augmentation the 150 images are memorized
assert final(results["augmentation"][0]) < final(results["no augmentation"][0])  # a harder training task
assert gain >= 0.01  # augmentation generalizes better
# The chosen recipe's final number comes from the test digits, which took no part in the choice.
test_acc = results["augmentation"][2]
print(f"chosen recipe (augmentation), test accuracy on {len(y_test)} held-out digits: {test_acc:.3f}")
assert test_acc >= 0.85

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
for name, (train_accs, val_accs, _) in results.items():
    ax1.plot(range(1, len(train_accs) + 1), train_accs, label=name)
    ax2.plot(range(4, 4 * len(val_accs) + 1, 4), val_accs, label=name)  # measured every 4 epochs
ax1.set(title="Training accuracy (150 images)", xlabel="epoch", ylabel="accuracy")
ax2.set(title=f"Validation accuracy ({len(y_val)} images)", xlabel="epoch", ylabel="accuracy")
ax1.legend()
ax2.legend()
plt.tight_layout()
plt.show()
