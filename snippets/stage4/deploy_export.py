# roadmap 4.2.2 (current API): torch.export, the successor of TorchScript, saved and reloaded in a fresh process
import subprocess
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

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
example_input = torch.rand(2, 3, 32, 32)

# Capture the whole graph ahead of time; the batch dimension is declared dynamic.
batch = torch.export.Dim("batch")
exported = torch.export.export(model, (example_input,), dynamic_shapes={"x": {0: batch}})
print(exported.graph_signature.user_inputs, "->", exported.graph_signature.user_outputs)
torch.export.save(exported, "model.pt2")

inputs = {size: torch.rand(size, 3, 32, 32) for size in (1, 8)}
torch.save(inputs, "inputs.pt")
with torch.no_grad():
    torch.save({size: model(x) for size, x in inputs.items()}, "expected.pt")

# A fresh interpreter that has never seen the SmallConvNet class loads and runs the file.
loader = """
import torch
program = torch.export.load("model.pt2")
inputs, expected = torch.load("inputs.pt"), torch.load("expected.pt")
for size, x in inputs.items():
    out = program.module()(x)
    torch.testing.assert_close(out, expected[size])
    print(f"batch {size}: output {tuple(out.shape)} matches eager")
"""
result = subprocess.run([sys.executable, "-c", loader], capture_output=True, text=True, check=True)
print(result.stdout, end="")
assert result.stdout.count("matches eager") == 2
