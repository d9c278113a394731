# the common activations and their derivatives (computed by autograd); a dead ReLU and a saturated sigmoid
import matplotlib.pyplot as plt
import torch
import torch.nn as nn

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

activations = {
    "ReLU": nn.ReLU(),
    "LeakyReLU(0.1)": nn.LeakyReLU(0.1),  # the default slope is 0.01; 0.1 makes it visible
    "GELU": nn.GELU(),
    "sigmoid": nn.Sigmoid(),
    "tanh": nn.Tanh(),
}
x = torch.linspace(-6, 6, 1201, device=device)
values, slopes = {}, {}
for name, f in activations.items():
    xg = x.clone().requires_grad_(True)
    f(xg).sum().backward()  # each output depends on its own input only, so this gives f'(x) elementwise
    values[name], slopes[name] = f(x).cpu(), xg.grad.cpu()

neg, pos = x.cpu() < 0, x.cpu() > 0
assert (slopes["ReLU"][neg] == 0).all() and (slopes["ReLU"][pos] == 1).all()
assert torch.allclose(slopes["LeakyReLU(0.1)"][neg], torch.tensor(0.1))
assert (slopes["GELU"][neg] != 0).all()  # GELU lets a little gradient through for negative inputs
far = x.cpu().abs() >= 5
print(f"sigmoid: max derivative {slopes['sigmoid'].max():.4f}, largest for |x| >= 5: {slopes['sigmoid'][far].max():.4f}")
print(f"tanh:    max derivative {slopes['tanh'].max():.4f}, largest for |x| >= 5: {slopes['tanh'][far].max():.4f}")
assert abs(slopes["sigmoid"].max().item() - 0.25) < 1e-6  # sigma'(x) = sigma(x)(1 - sigma(x)) <= 1/4
assert slopes["sigmoid"][far].max() < 0.007 and slopes["tanh"][far].max() < 0.0002

# A dead ReLU unit: its pre-activation is negative for every input, so its output is always 0
# and no gradient reaches its weights. It can never recover.
unit = nn.Linear(64, 1).to(device)
with torch.no_grad():
    unit.bias.fill_(-100.0)  # e.g. after one huge update
inputs = torch.rand(512, 64, device=device)  # pixel-like inputs in [0, 1]
out = torch.relu(unit(inputs))
out.sum().backward()
print(f"dead unit: outputs all zero: {bool((out == 0).all())}, weight gradient all zero: {bool((unit.weight.grad == 0).all())}")
assert (out == 0).all() and (unit.weight.grad == 0).all() and (unit.bias.grad == 0).all()

# Saturated sigmoids in a stack: each layer multiplies the gradient by sigma'(.) <= 0.25
h = torch.tensor([0.0], device=device, requires_grad=True)
z = h
for _ in range(10):
    z = torch.sigmoid(z)
z.backward()
print(f"gradient through 10 sigmoids: {h.grad.item():.2e} (at most 0.25**10 = {0.25**10:.2e})")
assert h.grad.item() <= 0.25**10

fig, axes = plt.subplots(1, 2, figsize=(9, 3.8))
for name in activations:
    width = 3 if name == "ReLU" else 1.5  # ReLU drawn wide: LeakyReLU and GELU lie on top of it for x > 0
    axes[0].plot(x.cpu(), values[name], label=name, linewidth=width)
    axes[1].plot(x.cpu(), slopes[name], label=name, linewidth=width)
axes[0].set_ylim(-1.5, 3)
axes[0].set_title("activation f(x)")
axes[1].set_title("derivative f'(x) (autograd)")
for ax in axes:
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_xlabel("x")
    ax.grid(alpha=0.3)
axes[1].legend(fontsize=8)
fig.suptitle("Common activations and their gradients")
fig.tight_layout()
plt.show()
