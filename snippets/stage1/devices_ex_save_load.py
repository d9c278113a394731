# exercise added by this site (lesson 1.3): save a model trained on any device, load it on the CPU
import torch
from torch import nn

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.manual_seed(0)

model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2)).to(device)
torch.save(model.state_dict(), "model.pt")  # the tensors are saved with their device

# map_location="cpu" loads GPU-saved weights on a machine without a GPU (without it, that fails)
state = torch.load("model.pt", map_location="cpu", weights_only=True)
restored = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
restored.load_state_dict(state)

x = torch.randn(5, 4)
with torch.no_grad():
    original_out = model(x.to(device)).cpu()
    restored_out = restored(x)
print(f"saved from {device}, loaded on {next(restored.parameters()).device}")
print(f"largest output difference: {(original_out - restored_out).abs().max().item():.2e}")
assert all(t.device.type == "cpu" for t in state.values())
torch.testing.assert_close(restored_out, original_out)
