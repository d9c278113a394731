# exercise added by this site (lesson 1.3): how much memory a model's parameters take, by hand
import torch
from torch import nn

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.manual_seed(0)

# By hand: Linear(784, 256) has 784*256 weights + 256 biases; Linear(256, 10) has 256*10 + 10
by_hand = 784 * 256 + 256 + 256 * 10 + 10
print(f"parameters by hand: {by_hand:,}")


def parameter_bytes(model):
    return sum(p.numel() * p.element_size() for p in model.parameters())


if device.type == "cuda":
    torch.cuda.synchronize()
    before = torch.cuda.memory_allocated()
model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10)).to(device)
count = sum(p.numel() for p in model.parameters())
print(f"parameters counted: {count:,}; float32: {parameter_bytes(model) / 2**20:.2f} MiB")
assert count == by_hand
assert parameter_bytes(model) == 4 * by_hand          # float32: 4 bytes per number
if device.type == "cuda":
    grown = torch.cuda.memory_allocated() - before
    print(f"memory_allocated() grew by {grown / 2**20:.2f} MiB")
    assert grown >= 4 * by_hand  # at least the parameters (the allocator rounds each block up)

# Training adds more per parameter: a gradient, and for Adam two running moments
optimizer = torch.optim.Adam(model.parameters())
loss = model(torch.randn(32, 784, device=device)).square().mean()
loss.backward()
optimizer.step()
grad_bytes = sum(p.grad.numel() * p.grad.element_size() for p in model.parameters())
moment_bytes = sum(state[name].numel() * state[name].element_size()
                   for state in optimizer.state.values() for name in ("exp_avg", "exp_avg_sq"))
print(f"gradients: {grad_bytes / 2**20:.2f} MiB, Adam moments: {moment_bytes / 2**20:.2f} MiB "
      f"-> 4x the weights before any activations")
assert grad_bytes == 4 * by_hand and moment_bytes == 2 * 4 * by_hand

# Half precision halves the weights
model = model.half()
assert parameter_bytes(model) == 2 * by_hand
print(f"float16 weights: {parameter_bytes(model) / 2**20:.2f} MiB")
