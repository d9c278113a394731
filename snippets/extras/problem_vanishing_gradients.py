# Vanishing gradients: per-layer gradient norms of a deep sigmoid MLP vs ReLU + Kaiming init and residual connections
import matplotlib.pyplot as plt
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

depth, width, num_classes = 20, 64, 10
# Synthetic data is enough here: we look at gradient sizes, not at accuracy.
inputs = torch.randn(256, width, device=device)
targets = torch.randint(0, num_classes, (256,), device=device)


def plain_mlp(activation, kaiming_init=False):
    layers = []
    for _ in range(depth):
        linear = nn.Linear(width, width)
        if kaiming_init:
            # Kaiming (He) init keeps the activation variance constant through ReLU layers.
            nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
            nn.init.zeros_(linear.bias)
        layers += [linear, activation()]
    return nn.Sequential(*layers, nn.Linear(width, num_classes))


class ResidualMLP(nn.Module):
    """The same deep sigmoid MLP, but every block adds its input back: x + f(x)."""

    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList(
            nn.Sequential(nn.Linear(width, width), nn.Sigmoid()) for _ in range(depth)
        )
        self.head = nn.Linear(width, num_classes)

    def forward(self, x):
        for block in self.blocks:
            # The identity path gives the gradient a route that skips every sigmoid.
            x = x + block(x)
        return self.head(x)


def hidden_layer_grad_norms(model):
    """Gradient norm of each hidden layer's weight after one backward pass."""
    model.zero_grad()
    F.cross_entropy(model(inputs), targets).backward()
    linear_layers = [m for m in model.modules() if isinstance(m, nn.Linear)]
    return [layer.weight.grad.norm().item() for layer in linear_layers[:depth]]


models = {
    "sigmoid, default init": plain_mlp(nn.Sigmoid),
    "ReLU, default init": plain_mlp(nn.ReLU),
    "ReLU + Kaiming init": plain_mlp(nn.ReLU, kaiming_init=True),
    "sigmoid + residual": ResidualMLP(),
}

print(f"{'model':<22} {'layer 1':>9} {'layer 20':>9} {'layer 1 / layer 20':>19}")
ratios, all_norms = {}, {}
for name, model in models.items():
    norms = hidden_layer_grad_norms(model.to(device))
    all_norms[name] = norms
    ratios[name] = norms[0] / norms[-1]
    print(f"{name:<22} {norms[0]:>9.1e} {norms[-1]:>9.1e} {ratios[name]:>19.1e}")

# Sigmoid's derivative is at most 0.25, so 20 of them shrink the gradient reaching layer 1 to ~nothing.
assert ratios["sigmoid, default init"] < 1e-10
# PyTorch's default init is a bit too small for deep ReLU stacks: the gradient still fades.
assert ratios["ReLU, default init"] < 1e-3
# The fixes: the first layer gets a gradient of the same order as the last one.
assert ratios["ReLU + Kaiming init"] > 0.1
assert ratios["sigmoid + residual"] > 1e-2

fig, ax = plt.subplots(figsize=(8, 4))
for name, norms in all_norms.items():
    ax.semilogy(range(1, depth + 1), norms, marker="o", markersize=3, label=name)
ax.set_title("Gradient norm per layer after one backward pass (20-layer MLP)")
ax.set_xlabel("hidden layer (1 = closest to the input)")
ax.set_ylabel("weight gradient norm (log scale)")
ax.legend()
fig.tight_layout()
plt.show()
