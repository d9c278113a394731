# The most common device error: a model and its input on different devices, and the fix
import torch
from torch import nn

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
# To show the error on any machine: with a GPU, the model goes to the GPU and the input stays on
# the CPU. Without one, the "meta" device (tensors with a shape but no data) plays the GPU's part.
other = device if device.type == "cuda" else torch.device("meta")

model = nn.Linear(4, 2).to(other)
inputs = torch.randn(3, 4)  # created on the CPU, the default
try:
    model(inputs)
except RuntimeError as error:
    message = str(error).split("\n")[0]
    print(f"model on {other}, input on {inputs.device}:\n  RuntimeError: {message}")
else:
    raise AssertionError("expected a device-mismatch error")
assert "device" in message

# The fix: move the input to wherever the model's parameters are. Asking the model keeps
# the function correct wherever the caller put it.
model = nn.Linear(4, 2).to(device)
model_device = next(model.parameters()).device
outputs = model(inputs.to(model_device))
print(f"after inputs.to({model_device}): output {tuple(outputs.shape)} on {outputs.device}")
assert outputs.device == model_device and outputs.shape == (3, 2)

# The same error hides in loss functions: the targets must move too
targets = torch.tensor([0, 1, 1])
loss = nn.functional.cross_entropy(outputs, targets.to(model_device))
print(f"loss with targets on {model_device}: {loss.item():.4f}")
assert torch.isfinite(loss)
