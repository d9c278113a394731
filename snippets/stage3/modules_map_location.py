# roadmap 3.1.3: loading weights onto a different device with map_location
import torch
import torch.nn as nn

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10)).to(device)

# Tensors remember the device they were saved from (e.g. "cuda:0" on a training server).
torch.save(model.state_dict(), "model.pth")
print("saved from:", {t.device.type for t in model.state_dict().values()})

# Load onto the CPU: works on a machine without any GPU, even for a file saved on cuda:0.
cpu_state = torch.load("model.pth", map_location="cpu")
assert all(t.device.type == "cpu" for t in cpu_state.values())
cpu_model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
cpu_model.load_state_dict(cpu_state)
print("map_location='cpu' ->", {t.device.type for t in cpu_state.values()})

# Load straight onto whatever device this machine has.
here_state = torch.load("model.pth", map_location=device)
assert all(t.device == next(model.parameters()).device for t in here_state.values())
print(f"map_location={str(device)!r} ->", {t.device.type for t in here_state.values()})

# On a multi-GPU machine you can pick the card:
#     torch.load("model.pth", map_location="cuda:1")
# or remap device names:   map_location={"cuda:0": "cuda:1"}

x = torch.randn(4, 784)
torch.testing.assert_close(cpu_model(x), model(x.to(device)).cpu())
print("CPU copy gives the same outputs as the original")
