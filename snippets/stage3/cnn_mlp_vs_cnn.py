# An MLP baseline against LeNet-5 on the same digits: parameters, training time and accuracy
import time

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
train_idx, test_idx = perm[:1400], perm[1600:]      # the same split as the LeNet-5 section
X_train, y_train = images[train_idx].to(device), labels[train_idx].to(device)
X_test, y_test = images[test_idx].to(device), labels[test_idx].to(device)
# leak check: no test digit is a training digit, pixel for pixel.
assert not {im.cpu().numpy().tobytes() for im in X_test} & {im.cpu().numpy().tobytes() for im in X_train}

mlp = nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 100), nn.ReLU(), nn.Linear(100, 10))
lenet = nn.Sequential(
    nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
)


def count(model):
    return sum(p.numel() for p in model.parameters())


# Parameters by hand: the MLP pays 784 weights for every hidden unit; LeNet shares its kernels.
assert count(mlp) == 784 * 100 + 100 + 100 * 10 + 10 == 79_510
assert count(lenet) == (6 * 25 + 6) + (16 * 6 * 25 + 16) + (400 * 120 + 120) + (120 * 84 + 84) + (84 * 10 + 10) == 61_706


def train(model, epochs=8, batch_size=64):
    torch.manual_seed(0)  # the same batch order for both models
    model.to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    start = time.perf_counter()
    for _ in range(epochs):
        model.train()
        order = torch.randperm(len(X_train), device=device)
        for i in range(0, len(X_train), batch_size):
            idx = order[i:i + batch_size]
            loss = F.cross_entropy(model(X_train[idx]), y_train[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return time.perf_counter() - start


@torch.no_grad()
def accuracy(model, X):
    model.eval()
    return (model(X).argmax(1) == y_test).float().mean().item()


# The same test digits moved 3 pixels to the right (zeros come in from the left): a change of
# position that neither model saw in training.
X_test_shifted = F.pad(X_test, (3, 0))[..., :28]

rows = {}
for name, model in (("MLP", mlp), ("LeNet-5", lenet)):
    seconds = train(model)
    rows[name] = (count(model), seconds, accuracy(model, X_test), accuracy(model, X_test_shifted))

print(f"{'model':<8} {'parameters':>10} {'train time':>18} {'test acc':>8} {'shifted 3 px':>12}")
for name, (params, seconds, acc, acc_shifted) in rows.items():
    print(f"{name:<8} {params:>10,} {seconds:>8.1f} s (measured) {acc:>8.3f} {acc_shifted:>12.3f}")

(_, _, mlp_acc, mlp_shifted), (_, _, cnn_acc, cnn_shifted) = rows.values()
assert mlp_acc >= 0.90 and cnn_acc >= 0.95          # both learn the digits where they were trained
assert cnn_shifted >= mlp_shifted + 0.05            # the CNN suffers less when the digits move
