# roadmap 4.2.3: export to ONNX with a dynamic batch axis, check it, run it with ONNX Runtime
import numpy as np
import onnx
import onnxruntime as ort
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
dummy_input = torch.randn(2, 3, 32, 32)

# The default exporter (dynamo=True) goes through torch.export, so dynamic sizes are
# declared with dynamic_shapes (keyed by forward()'s argument name) instead of dynamic_axes.
onnx_program = torch.onnx.export(
    model,
    (dummy_input,),
    input_names=["input"],
    output_names=["output"],
    verbose=False,  # no progress log
    dynamic_shapes={"x": {0: torch.export.Dim("batch_size")}},
)
onnx_program.save("model.onnx")

onnx_model = onnx.load("model.onnx")
onnx.checker.check_model(onnx_model)  # raises if the file is not a valid ONNX graph
graph_input = onnx_model.graph.input[0]
dims = [d.dim_param or d.dim_value for d in graph_input.type.tensor_type.shape.dim]
print(f"opset {onnx_model.opset_import[0].version}, input '{graph_input.name}' with shape {dims}")
assert dims == ["batch_size", 3, 32, 32]  # the batch axis stayed symbolic

session = ort.InferenceSession("model.onnx", providers=["CPUExecutionProvider"])
for batch_size in (1, 8):
    x = torch.randn(batch_size, 3, 32, 32)
    (onnx_out,) = session.run(None, {"input": x.numpy()})
    with torch.no_grad():
        torch_out = model(x).numpy()
    max_diff = np.abs(onnx_out - torch_out).max()
    print(f"batch {batch_size}: ONNX Runtime output {onnx_out.shape}, max |diff| vs PyTorch = {max_diff:.2e}")
    assert onnx_out.shape == (batch_size, 10)
    np.testing.assert_allclose(onnx_out, torch_out, rtol=1e-4, atol=1e-5)
