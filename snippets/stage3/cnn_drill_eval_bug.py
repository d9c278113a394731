# exercise added by this site (lesson 3.2): find the bug, a missing model.eval() with BatchNorm and Dropout
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits

torch.manual_seed(0)

digits = load_digits()
images = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0   # (1797, 1, 8, 8)
labels = torch.tensor(digits.target)
# sklearn's 1,797 digits hold no duplicate image, so a random split cannot put a copy on both sides.
assert len({im.numpy().tobytes() for im in images}) == len(images)
perm = torch.randperm(len(images), generator=torch.Generator().manual_seed(0))
train_idx, test_idx = perm[:1400], perm[1400:]
X_train, y_train, X_test, y_test = images[train_idx], labels[train_idx], images[test_idx], labels[test_idx]
# leak check: no test digit is a training digit, pixel for pixel.
assert not {im.numpy().tobytes() for im in X_test} & {im.numpy().tobytes() for im in X_train}

model = nn.Sequential(
    nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
    nn.Flatten(), nn.Dropout(0.5), nn.Linear(16 * 8 * 8, 10),
)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
for epoch in range(3):
    model.train()
    for i in range(0, len(X_train), 64):
        loss = F.cross_entropy(model(X_train[i:i + 64]), y_train[i:i + 64])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


@torch.no_grad()
def predict_buggy(x):
    return model(x).argmax(1)          # the bug: the model is still in training mode


@torch.no_grad()
def predict_fixed(x):
    model.eval()                       # the fix: dropout off, BatchNorm uses its running statistics
    return model(x).argmax(1)


# Symptom 1: the same images, predicted twice, get different answers (dropout is still on).
a, b = predict_buggy(X_test), predict_buggy(X_test)
print(f"buggy: {(a != b).sum().item()} of {len(X_test)} predictions change between two identical calls")
assert (a != b).any()
# Symptom 2: BatchNorm's running statistics move, although nothing was trained.
running_mean = model[1].running_mean.clone()
predict_buggy(X_test)
assert not torch.equal(running_mean, model[1].running_mean)

# The fix: deterministic, and an image gets the same answer alone or in a batch.
a, b = predict_fixed(X_test), predict_fixed(X_test)
one_by_one = torch.cat([predict_fixed(X_test[i:i + 1]) for i in range(len(X_test))])
running_mean = model[1].running_mean.clone()
predict_fixed(X_test)
assert torch.equal(a, b) and torch.equal(a, one_by_one)
assert torch.equal(running_mean, model[1].running_mean)
accuracy = (a == y_test).float().mean().item()
print(f"fixed: identical predictions on every call, alone or batched; test accuracy {accuracy:.3f}")
assert accuracy >= 0.9
