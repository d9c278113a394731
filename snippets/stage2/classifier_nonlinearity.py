# why a network needs a non-linearity: a linear model and a ReLU MLP on two moons, with their decision boundaries
import matplotlib.pyplot as plt
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

# Generated data: two interleaved half-circles, 600 points, deterministic
X, y = make_moons(n_samples=600, noise=0.2, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
# leak check: no held-out point is also a training point.
assert not {tuple(row) for row in X_test} & {tuple(row) for row in X_train}
X_train, X_test = (torch.tensor(a, dtype=torch.float32, device=device) for a in (X_train, X_test))
y_train, y_test = (torch.tensor(a, device=device) for a in (y_train, y_test))

models = {
    "linear (logistic regression)": nn.Linear(2, 2),
    "MLP with ReLU": nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 2)),
}
test_accs = {}
for name, model in models.items():
    model.to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    for step in range(500):  # full batch: 420 points are one small batch
        optimizer.zero_grad()
        loss = F.cross_entropy(model(X_train), y_train)
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        test_accs[name] = (model(X_test).argmax(1) == y_test).float().mean().item()
    print(f"{name:30s} train loss {loss.item():.3f}  held-out accuracy {test_accs[name]:.3f}")

linear_acc, mlp_acc = test_accs["linear (logistic regression)"], test_accs["MLP with ReLU"]
assert linear_acc < 0.90 and mlp_acc >= 0.95
assert mlp_acc >= linear_acc + 0.08

# Decision boundaries: the predicted probability of class 1 over a grid covering the data
xx, yy = torch.meshgrid(torch.linspace(-1.6, 2.6, 200), torch.linspace(-1.2, 1.7, 200), indexing="xy")
grid = torch.stack([xx.flatten(), yy.flatten()], dim=1).to(device)
fig, axes = plt.subplots(1, 2, figsize=(9, 3.8), sharey=True)
for ax, (name, model) in zip(axes, models.items()):
    with torch.no_grad():
        p1 = F.softmax(model(grid), dim=1)[:, 1].reshape(xx.shape).cpu()
    ax.contourf(xx, yy, p1, levels=20, cmap="RdBu", alpha=0.6)
    ax.contour(xx, yy, p1, levels=[0.5], colors="black", linewidths=1.5)
    points, labels = X_test.cpu(), y_test.cpu()
    ax.scatter(points[:, 0], points[:, 1], c=labels, cmap="RdBu", edgecolors="black", s=18)
    ax.set_title(f"{name}\nheld-out accuracy {test_accs[name]:.1%}")
    ax.set_xlabel("x1")
axes[0].set_ylabel("x2")
fig.suptitle("Decision boundaries on two moons (black line: p = 0.5)")
fig.tight_layout()
plt.show()
