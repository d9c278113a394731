# Containers (Sequential, ModuleList, ModuleDict), buffers, forward hooks and weight initialization with apply
import matplotlib.pyplot as plt
import torch
import torch.nn as nn

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


class TinyNet(nn.Module):
    def __init__(self, num_blocks=3, width=32, num_classes=10):
        super().__init__()
        # nn.Sequential: layers applied in order; no forward() needed for it.
        self.stem = nn.Sequential(nn.Linear(64, width), nn.ReLU())
        # nn.ModuleList: a list whose modules are registered (a plain Python list would hide them).
        self.blocks = nn.ModuleList([nn.Linear(width, width) for _ in range(num_blocks)])
        # nn.ModuleDict: named sub-modules, e.g. one output head per task.
        self.heads = nn.ModuleDict({"digit": nn.Linear(width, num_classes), "even": nn.Linear(width, 2)})
        # A buffer: state that is saved and moved with the model but is not trained.
        self.register_buffer("calls", torch.zeros((), dtype=torch.long))

    def forward(self, x, task="digit"):
        self.calls += 1
        x = self.stem(x)
        for block in self.blocks:          # ModuleList is iterated like a list, in your own forward
            x = x + torch.relu(block(x))   # a residual step
        return self.heads[task](x)


class Forgetful(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = [nn.Linear(32, 32) for _ in range(3)]  # plain list: NOT registered


model = TinyNet().to(device)
print(model)
n_params = sum(p.numel() for p in model.parameters())
assert n_params == (64 * 32 + 32) + 3 * (32 * 32 + 32) + (32 * 10 + 10) + (32 * 2 + 2)
assert sum(p.numel() for p in Forgetful().parameters()) == 0  # the plain list's layers are invisible
print(f"\nTinyNet: {n_params:,} parameters; the same layers in a plain list: 0 parameters found")

# Buffers are in the state_dict, not in parameters(), and follow .to(device).
assert "calls" in model.state_dict() and "calls" not in dict(model.named_parameters())

# Weight initialization with apply(): the function is called on every sub-module, recursively.
def init_weights(module):
    if isinstance(module, nn.Linear):
        nn.init.kaiming_normal_(module.weight, nonlinearity="relu")  # He init, suited to ReLU
        nn.init.zeros_(module.bias)


model.apply(init_weights)
assert all(torch.count_nonzero(m.bias) == 0 for m in model.modules() if isinstance(m, nn.Linear))
std = model.blocks[0].weight.std().item()
print(f"after apply(init_weights): biases 0, block weight std {std:.3f} (He init expects {(2 / 32) ** 0.5:.3f})")
assert abs(std - (2 / 32) ** 0.5) < 0.03

# Forward hooks: run after a module's forward, see its output; here they record every output shape.
shapes = {}
handles = [module.register_forward_hook(lambda mod, inp, out, name=name: shapes.__setitem__(name, tuple(out.shape)))
           for name, module in model.named_modules() if isinstance(module, nn.Linear)]
x = torch.randn(16, 64, device=device)
model(x)
model(x, task="even")
for handle in handles:
    handle.remove()  # hooks stay until removed
print("\noutput shapes seen by forward hooks:")
for name, shape in shapes.items():
    print(f"  {name:<12} {shape}")
assert shapes["heads.digit"] == (16, 10) and shapes["heads.even"] == (16, 2) and shapes["blocks.2"] == (16, 32)
assert model.calls.item() == 2  # the buffer counted both calls
model(x)
assert len(shapes) == 6          # removed hooks record nothing more

# Parameter count per layer, from named_parameters().
per_layer = {}
for name, p in model.named_parameters():
    layer = name.rsplit(".", 1)[0]
    per_layer[layer] = per_layer.get(layer, 0) + p.numel()
assert sum(per_layer.values()) == n_params
assert max(per_layer, key=per_layer.get) == "stem.0"  # 64 x 32 + 32 = 2,080: the largest layer

fig, ax = plt.subplots(figsize=(7, 3.2))
ax.barh(list(per_layer)[::-1], list(per_layer.values())[::-1], color="tab:blue")
for i, n in enumerate(list(per_layer.values())[::-1]):
    ax.text(n, i, f" {n:,}", va="center")
ax.set(title=f"TinyNet parameters per layer ({n_params:,} in total)", xlabel="parameters")
ax.set_xlim(0, max(per_layer.values()) * 1.2)
plt.tight_layout()
plt.show()
