# roadmap 4.2.1: static post-training quantization (with calibration) and quantization-aware training
import copy
import io
import time
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

# torch.ao.quantization still works in 2.14 but warns on every call that it is deprecated
# in favor of torchao (see the note on the page); show the result, not pages of warnings.
warnings.filterwarnings("ignore", message=".*torch.ao.quantization is deprecated")
warnings.filterwarnings("ignore", message=".*quantized tensor creation functions.*deprecated")
warnings.filterwarnings("ignore", message=".*reduce_range will be deprecated")

torch.manual_seed(0)
torch.backends.quantized.engine = "x86"  # the int8 kernels for x86 CPUs ("qnnpack" on ARM)

digits = load_digits()
images = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0
images = F.interpolate(images, size=12, mode="bilinear")  # 12x12 gives the convolutions room
x_train, x_test, y_train, y_test = train_test_split(
    images, torch.tensor(digits.target), test_size=0.3, random_state=0, stratify=digits.target)
# leak check: no test digit is also a training digit, pixel for pixel (the digits have no exact duplicates,
# so no deduplication is needed; the same writers are on both sides all the same: no writer ids ship).
assert not {tuple(r) for r in x_test.flatten(1).tolist()} & {tuple(r) for r in x_train.flatten(1).tolist()}


class DigitsCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.quant = torch.ao.quantization.QuantStub()  # float -> int8 at the entrance
        self.conv1, self.relu1 = nn.Conv2d(1, 32, 3, padding=1), nn.ReLU()
        self.conv2, self.relu2 = nn.Conv2d(32, 64, 3, padding=1), nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(64 * 3 * 3, 10)
        self.dequant = torch.ao.quantization.DeQuantStub()  # int8 -> float at the exit

    def forward(self, x):
        x = self.quant(x)
        x = self.pool(self.relu1(self.conv1(x)))
        x = self.pool(self.relu2(self.conv2(x)))
        x = self.fc(torch.flatten(x, 1))
        return self.dequant(x)


def train(model, steps, lr=2e-3):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for _ in range(steps):
        batch = torch.randint(len(x_train), (32,))
        loss = F.cross_entropy(model(x_train[batch]), y_train[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()


def fused(model):
    # Conv+ReLU become one module, so the int8 kernel does both without a round trip.
    return torch.ao.quantization.fuse_modules(model, [["conv1", "relu1"], ["conv2", "relu2"]])


model_fp32 = DigitsCNN()
train(model_fp32, steps=300)

# Static post-training quantization: observers record activation ranges on calibration data.
model_static = fused(copy.deepcopy(model_fp32))
model_static.qconfig = torch.ao.quantization.get_default_qconfig("x86")
torch.ao.quantization.prepare(model_static, inplace=True)
with torch.no_grad():
    for start in range(0, 256, 64):  # a few hundred training images are enough to calibrate
        model_static(x_train[start:start + 64])
torch.ao.quantization.convert(model_static, inplace=True)

# Quantization-aware training: fake-quantize during a short fine-tune so the weights adapt.
model_qat = fused(copy.deepcopy(model_fp32).train())
model_qat.qconfig = torch.ao.quantization.get_default_qat_qconfig("x86")
torch.ao.quantization.prepare_qat(model_qat, inplace=True)
train(model_qat, steps=50, lr=1e-4)
model_qat = torch.ao.quantization.convert(model_qat)
print(model_qat.conv1)


def state_dict_bytes(model):
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    return buffer.getbuffer().nbytes


def accuracy(model):
    with torch.no_grad():
        return (model(x_test).argmax(dim=1) == y_test).float().mean().item()


def latency_ms(model, batch=x_test[:64], repeats=20):
    with torch.no_grad():
        model(batch)  # warm-up
        start = time.perf_counter()
        for _ in range(repeats):
            model(batch)
    return (time.perf_counter() - start) / repeats * 1000


models = {"float32": model_fp32, "static int8 (PTQ)": model_static, "QAT int8": model_qat}
rows = {name: (state_dict_bytes(m), latency_ms(m), accuracy(m)) for name, m in models.items()}
print(f"\n{'model':<19}{'size':>10}{'latency (64 imgs)':>19}{'test acc':>10}")
for name, (size, ms, acc) in rows.items():
    print(f"{name:<19}{size:>8,} B{ms:>16.3f} ms{acc:>10.3f}")

size32, _, acc32 = rows["float32"]
assert acc32 >= 0.95
for name in ["static int8 (PTQ)", "QAT int8"]:
    size8, _, acc8 = rows[name]
    assert size8 < 0.35 * size32, (name, size8, size32)
    assert acc8 >= acc32 - 0.03, (name, acc8, acc32)
