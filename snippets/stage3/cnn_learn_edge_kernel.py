# Learn an edge detector from data: autograd recovers the Sobel kernel from images and their edge maps
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits

torch.manual_seed(0)

images = torch.tensor(load_digits().images[:200], dtype=torch.float32).unsqueeze(1) / 16.0   # (200, 1, 8, 8)

# The "labels": each image filtered with the Sobel kernel for vertical edges (a known filter).
sobel = torch.tensor([[-1.0, 0.0, 1.0],
                      [-2.0, 0.0, 2.0],
                      [-1.0, 0.0, 1.0]])
targets = F.conv2d(images, sobel.view(1, 1, 3, 3), padding=1)

# The model: one 3x3 kernel, started at random. Only the data says what it should become.
kernel = torch.randn(1, 1, 3, 3, requires_grad=True)
optimizer = torch.optim.SGD([kernel], lr=0.5, momentum=0.9)   # plain gradient descent with momentum
snapshots, losses = {}, []
for step in range(301):
    if step in (0, 10, 30, 100, 300):
        snapshots[step] = kernel.detach()[0, 0].clone()
    loss = F.mse_loss(F.conv2d(images, kernel, padding=1), targets)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    losses.append(loss.item())

learned = snapshots[300]
error = (learned - sobel).abs().max().item()
print("learned kernel:\n", learned.round(decimals=3))
print(f"largest difference from Sobel: {error:.1e}; loss {losses[0]:.3f} -> {losses[-1]:.1e}")
assert error < 1e-3

fig = plt.figure(figsize=(9, 3.6))
grid = fig.add_gridspec(2, 6, height_ratios=[1, 1])
for i, (step, values) in enumerate(list(snapshots.items()) + [("Sobel", sobel)]):
    ax = fig.add_subplot(grid[0, i])
    ax.imshow(values, cmap="RdBu_r", vmin=-2.2, vmax=2.2)
    for r in range(3):
        for c in range(3):
            ax.text(c, r, f"{values[r, c]:.1f}", ha="center", va="center", fontsize=7)
    ax.set_title(f"step {step}" if step != "Sobel" else "target: Sobel", fontsize=8)
    ax.set_xticks([])
    ax.set_yticks([])
ax = fig.add_subplot(grid[1, :])
ax.semilogy(losses)
ax.set(xlabel="step", ylabel="MSE (log)")
fig.suptitle("A 3×3 kernel learned by gradient descent converges to the Sobel filter", fontsize=10)
plt.tight_layout()
plt.show()
