# roadmap 4.2.2: TorchScript trace and script, saved and loaded back in a fresh Python process
import subprocess
import sys
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

# TorchScript is deprecated in 2.14 (every call warns "switch to torch.compile or torch.export");
# it still runs, and you will meet it in existing code, so we silence the repeats here.
warnings.filterwarnings("ignore", message=".*is deprecated. Please switch to `torch.compile` or `torch.export`")
torch.manual_seed(0)


class SmallConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = F.relu(self.conv(x))
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.fc(x)


model = SmallConvNet().eval()
example_input = torch.rand(1, 3, 32, 32)

# 1. Tracing records the operations that run for this example input.
traced = torch.jit.trace(model, example_input)
traced.save("model_traced.pt")


# 2. Scripting compiles the Python source, so data-dependent control flow survives.
def my_function(x):
    if x.sum() > 0:
        return x * 2
    else:
        return x / 2


scripted_function = torch.jit.script(my_function)
traced_function = torch.jit.trace(my_function, torch.ones(3))  # traced with a positive input
negative = -torch.ones(3)
print("eager   :", my_function(negative).tolist())
print("scripted:", scripted_function(negative).tolist())
print("traced  :", traced_function(negative).tolist(), "<- the branch was frozen at trace time")
assert torch.equal(scripted_function(negative), my_function(negative))
assert not torch.equal(traced_function(negative), my_function(negative))

scripted = torch.jit.script(model)
scripted.save("model_scripted.pt")

# Load both files where the class SmallConvNet does not exist: a fresh interpreter.
batch = torch.rand(4, 3, 32, 32)
torch.save(batch, "batch.pt")
with torch.no_grad():
    torch.save(model(batch), "expected.pt")
loader = """
import torch
batch, expected = torch.load("batch.pt"), torch.load("expected.pt")
for path in ["model_traced.pt", "model_scripted.pt"]:
    loaded = torch.jit.load(path)
    with torch.no_grad():
        torch.testing.assert_close(loaded(batch), expected)
    print(f"{path}: loaded in a fresh process, output matches eager")
"""
result = subprocess.run([sys.executable, "-W", "ignore", "-c", loader], capture_output=True, text=True, check=True)
print(result.stdout, end="")
assert result.stdout.count("output matches eager") == 2
