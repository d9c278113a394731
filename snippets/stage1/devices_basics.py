# roadmap 1.3: choosing a device and moving tensors between devices
import torch
from torch import nn

# 1. Pick the best available device once, then use it everywhere.
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print(f"Using device: {device}")

# 2. Create a tensor on a device directly, or move it there with .to().
x_cpu = torch.rand(3, 3)                  # the default device is the CPU
x_dev = torch.rand(3, 3, device=device)   # created where it will be used: no copy
x_moved = torch.rand(3, 3).to(device)     # created on the CPU, then copied
print("x_cpu on", x_cpu.device, "| x_dev on", x_dev.device, "| x_moved on", x_moved.device)

# 3. Moving back and forth. .cpu() is the same as .to("cpu").
on_device = x_cpu.to(device)
back_to_cpu = on_device.cpu()
assert torch.equal(back_to_cpu, x_cpu)
# .to() returns the same tensor when it is already there (no copy).
assert x_cpu.to("cpu") is x_cpu

# Tensors in one operation must live on the same device.
if device.type == "cuda":
    try:
        x_cpu + x_dev
    except RuntimeError as error:
        print("mixing devices fails:", str(error).split("\n")[0])

# 4. Several GPUs: address them as cuda:0, cuda:1, ...
if torch.cuda.device_count() > 1:
    print(f"Found {torch.cuda.device_count()} GPUs")
    tensor_gpu0 = torch.rand(3, 3, device="cuda:0")
    tensor_gpu1 = torch.rand(3, 3, device="cuda:1")


# 5. A device-agnostic training step: the model and every batch go to the same device.
def train_model(model, data, device):
    model = model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    for batch in data:
        inputs = batch["input"].to(device)
        labels = batch["label"].to(device)
        loss = nn.functional.cross_entropy(model(inputs), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return loss.item()


torch.manual_seed(0)
data = [{"input": torch.randn(8, 4), "label": torch.randint(0, 2, (8,))} for _ in range(5)]
model = nn.Linear(4, 2)
loss = train_model(model, data, device)
print(f"trained on {device}: last loss {loss:.4f}; parameters now on {next(model.parameters()).device}")
assert next(model.parameters()).device.type == device.type
