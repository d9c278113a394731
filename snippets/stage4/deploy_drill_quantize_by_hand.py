# exercise added by this site (lesson 4.2): int8 quantization of a tensor by hand, checked against PyTorch
import warnings

import torch

# The quantized tensor type is being phased out in favor of torchao (see the note on the page)
warnings.filterwarnings("ignore", message=".*quantized tensor creation functions.*deprecated")

torch.manual_seed(0)
x = torch.randn(1000) * 0.5 + 0.2  # some "weights" (any float tensor works)

# Per-tensor affine quantization to quint8 (codes 0..255): one scale and one zero point for the tensor
qmin, qmax = 0, 255
low, high = min(x.min().item(), 0.0), max(x.max().item(), 0.0)  # the range must contain 0
scale = (high - low) / (qmax - qmin)
zero_point = int(round(qmin - low / scale))
codes = torch.clamp(torch.round(x / scale) + zero_point, qmin, qmax).to(torch.uint8)
restored = (codes.float() - zero_point) * scale

reference = torch.quantize_per_tensor(x, scale, zero_point, torch.quint8)
print(f"scale {scale:.5f}, zero point {zero_point}")
print(f"largest rounding error {(restored - x).abs().max():.5f} (half a step: {scale / 2:.5f})")
print(f"bytes: float32 {x.numel() * 4:,}, int8 codes {codes.numel():,} (+ one scale and one zero point)")

assert torch.equal(codes, reference.int_repr())  # the same codes as PyTorch
torch.testing.assert_close(restored, reference.dequantize())  # the same values after dequantizing
assert (restored - x).abs().max() <= scale / 2 + 1e-6  # no value moves by more than half a step
zero = torch.quantize_per_tensor(torch.zeros(1), scale, zero_point, torch.quint8)
assert zero.dequantize().item() == 0.0  # 0 (padding, ReLU outputs) is represented exactly: by the zero point
