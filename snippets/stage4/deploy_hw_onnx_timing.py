# exercise added by this site (lesson 4.2): time ONNX Runtime against PyTorch on a batch of 64 images
import time

import numpy as np
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
batch = torch.randn(64, 3, 32, 32)
torch.onnx.export(model, (batch,), input_names=["input"], output_names=["output"], verbose=False,
                  dynamic_shapes={"x": {0: torch.export.Dim("batch_size")}}).save("model.onnx")
session = ort.InferenceSession("model.onnx", providers=["CPUExecutionProvider"])


def best_of(run, repeats=10):
    """The fastest of several runs: the least disturbed by anything else on the machine."""
    run()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


with torch.inference_mode():
    torch_ms = best_of(lambda: model(batch))
    torch_out = model(batch).numpy()
onnx_ms = best_of(lambda: session.run(None, {"input": batch.numpy()}))
(onnx_out,) = session.run(None, {"input": batch.numpy()})

print(f"PyTorch      : {torch_ms:6.2f} ms per batch of 64 (measured, best of 10)")
print(f"ONNX Runtime : {onnx_ms:6.2f} ms per batch of 64 (measured, best of 10)")
print(f"ratio PyTorch / ONNX Runtime: {torch_ms / onnx_ms:.2f} (depends on the machine: not asserted)")
print(f"max |difference| of the outputs: {np.abs(onnx_out - torch_out).max():.2e}")
# What does not depend on the machine: both runtimes compute the same function
np.testing.assert_allclose(onnx_out, torch_out, rtol=1e-4, atol=1e-5)
