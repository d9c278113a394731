# Gradient descent paths of SGD, SGD with momentum and Adam on a 2-D loss surface (real optimizer runs)
import matplotlib.pyplot as plt
import torch


def loss_fn(p):
    # A long narrow valley: 100x steeper across (y) than along (x); the minimum is at (0, 0)
    return 0.02 * p[0] ** 2 + 2.0 * p[1] ** 2


start = [-4.5, 1.5]
settings = {
    "SGD (lr=0.45)": lambda params: torch.optim.SGD(params, lr=0.45),
    "SGD + momentum (lr=0.1, 0.9)": lambda params: torch.optim.SGD(params, lr=0.1, momentum=0.9),
    "Adam (lr=0.3)": lambda params: torch.optim.Adam(params, lr=0.3),
}
paths, losses = {}, {}
for name, make_optimizer in settings.items():
    p = torch.tensor(start, requires_grad=True)
    optimizer = make_optimizer([p])
    path = [p.detach().clone()]
    for step in range(50):
        optimizer.zero_grad()
        loss_fn(p).backward()  # autograd gives the gradient; the optimizer decides the step
        optimizer.step()
        path.append(p.detach().clone())
    paths[name] = torch.stack(path)
    losses[name] = loss_fn(p).item()
    print(f"{name:32} loss after 50 steps: {losses[name]:.5f}  at ({p[0]:+.3f}, {p[1]:+.3f})")

sgd, momentum, adam = (paths[name] for name in settings)
# Plain SGD zigzags across the valley (y changes sign at every step) and crawls along it
sign_changes = (sgd[1:, 1].sign() != sgd[:-1, 1].sign()).sum().item()
print(f"SGD: y changed sign {sign_changes} times in 50 steps; x moved only from -4.5 to {sgd[-1, 0]:.2f}")
assert sign_changes == 50 and sgd[-1, 0] < -1.5
# Momentum builds up speed along the valley and ends far lower than plain SGD
assert losses["SGD + momentum (lr=0.1, 0.9)"] < losses["SGD (lr=0.45)"] / 10
# Adam's first step is lr in EVERY coordinate, whatever the gradient's size: it rescales per parameter
first_step = (adam[1] - adam[0]).abs()
print(f"Adam's first step: {first_step.tolist()} (lr = 0.3 in both coordinates)")
assert torch.allclose(first_step, torch.tensor([0.3, 0.3]))
assert all(losses[name] < loss_fn(torch.tensor(start)).item() / 10 for name in settings)

xs, ys = torch.meshgrid(torch.linspace(-5, 1.5, 200), torch.linspace(-2, 2, 200), indexing="xy")
fig, ax = plt.subplots(figsize=(8, 4.6))
ax.contour(xs, ys, loss_fn(torch.stack([xs, ys])), levels=[0.02, 0.1, 0.3, 0.6, 1, 2, 3, 4, 6], colors="lightgray")
for (name, path), color in zip(paths.items(), ["tab:red", "tab:blue", "tab:green"]):
    ax.plot(path[:, 0], path[:, 1], "o-", markersize=2.5, linewidth=1, color=color, label=name)
ax.plot(0, 0, "k*", markersize=12, label="minimum")
ax.set_title("50 steps from (-4.5, 1.5) on loss = 0.02 x² + 2 y²")
ax.set_xlabel("x")
ax.set_ylabel("y")
ax.legend(fontsize=8, loc="lower right")
plt.tight_layout()
plt.show()
