# Pruning with torch.nn.utils.prune: how much of a digits MLP can be zeroed before accuracy drops
import matplotlib.pyplot as plt
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.nn.utils.prune as prune
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(0)
digits = load_digits()
x_train, x_test, y_train, y_test = train_test_split(
    digits.data / 16.0, digits.target, test_size=0.3, random_state=0, stratify=digits.target)
# leak check: no test digit is also a training digit, pixel for pixel (the digits have no exact duplicates,
# so no deduplication is needed; the same writers are on both sides all the same: no writer ids ship).
assert not {tuple(r) for r in x_test.tolist()} & {tuple(r) for r in x_train.tolist()}
x_train, x_test = torch.tensor(x_train, dtype=torch.float32), torch.tensor(x_test, dtype=torch.float32)
y_train, y_test = torch.tensor(y_train), torch.tensor(y_test)

model = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
for step in range(300):
    batch = torch.randint(len(x_train), (64,))
    loss = F.cross_entropy(model(x_train[batch]), y_train[batch])
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
model.eval()
dense_state = {k: v.clone() for k, v in model.state_dict().items()}
linears = [(m, "weight") for m in model if isinstance(m, nn.Linear)]


def accuracy():
    with torch.no_grad():
        return (model(x_test).argmax(dim=1) == y_test).float().mean().item()


sparsities = [0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98]
accuracies = []
print(f"{'sparsity':>8}{'zeros':>9}{'test acc':>10}")
for amount in sparsities:
    model.load_state_dict(dense_state)
    # Remove the `amount` smallest-magnitude weights across all layers together.
    prune.global_unstructured(linears, pruning_method=prune.L1Unstructured, amount=amount)
    zeros = sum(int((m.weight == 0).sum()) for m, _ in linears)
    accuracies.append(accuracy())
    print(f"{amount:>8.0%}{zeros:>9,}{accuracies[-1]:>10.3f}")
    for module, name in linears:
        prune.remove(module, name)  # bake the mask into .weight (drops weight_orig / weight_mask)

plt.figure(figsize=(8, 4))
plt.plot([s * 100 for s in sparsities], accuracies, marker="o", label="global L1 pruning, no fine-tuning")
plt.xlabel("weights set to zero (%)")
plt.ylabel("test accuracy")
plt.title("Digits MLP: sparsity vs accuracy")
plt.legend()
plt.grid(True)
plt.show()

dense_acc = accuracies[0]
assert dense_acc >= 0.95
assert accuracies[sparsities.index(0.5)] >= dense_acc - 0.04  # half of the weights barely matter
assert all(a > b for a, b in zip(accuracies[1:], accuracies[2:]))  # beyond 50%, every step down costs accuracy
assert accuracies[sparsities.index(0.95)] < dense_acc - 0.3  # and pruning too far breaks the model
