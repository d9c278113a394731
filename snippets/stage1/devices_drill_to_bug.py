# exercise added by this site (lesson 1.3): find the bug, tensor.to(device) without an assignment
import torch
from torch import nn

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
# Without a GPU, the "meta" device (shapes, no data) plays the GPU's part so the bug shows anywhere
target = device if device.type == "cuda" else torch.device("meta")

model = nn.Linear(4, 2)
inputs = torch.randn(3, 4)

# The bug: both lines look alike, but only one of them moves anything
model.to(target)    # nn.Module.to moves the parameters IN PLACE (and returns the module)
inputs.to(target)   # Tensor.to RETURNS a moved copy; inputs itself stays where it was
print(f"after the two calls: model on {next(model.parameters()).device}, inputs on {inputs.device}")
assert next(model.parameters()).device.type == target.type
assert inputs.device.type == "cpu"
try:
    model(inputs)
except RuntimeError as error:
    print("model(inputs) fails:", str(error).splitlines()[0][:90])
else:
    raise AssertionError("expected a device-mismatch error")

# The fix: assign the result (writing model = model.to(...) too keeps the two lines alike)
inputs = inputs.to(target)
model = model.to(target)
outputs = model(inputs)
print(f"after inputs = inputs.to(...): output {tuple(outputs.shape)} on {outputs.device}")
assert outputs.device.type == target.type and outputs.shape == (3, 2)
