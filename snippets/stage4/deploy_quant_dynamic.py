# roadmap 4.2.1: dynamic quantization of a digits classifier (size, latency, accuracy)
import io
import time
import warnings

import matplotlib.pyplot as plt
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

# torch.ao.quantization still works in 2.14 but warns on every call that it is deprecated
# in favor of torchao (see the note on the page); show the result, not 20 copies of the warning.
warnings.filterwarnings("ignore", message=".*torch.ao.quantization is deprecated")
warnings.filterwarnings("ignore", message=".*quantized tensor creation functions.*deprecated")

torch.manual_seed(0)
digits = load_digits()
x_train, x_test, y_train, y_test = train_test_split(
    digits.data / 16.0, digits.target, test_size=0.3, random_state=0, stratify=digits.target)
# leak check: no test digit is also a training digit, pixel for pixel (the digits have no exact duplicates,
# so no deduplication is needed; the same writers are on both sides all the same: no writer ids ship).
assert not {tuple(r) for r in x_test.tolist()} & {tuple(r) for r in x_train.tolist()}
x_train, x_test = torch.tensor(x_train, dtype=torch.float32), torch.tensor(x_test, dtype=torch.float32)
y_train, y_test = torch.tensor(y_train), torch.tensor(y_test)

# Dynamic quantization targets Linear/LSTM layers, so the model is an MLP.
model_fp32 = nn.Sequential(
    nn.Linear(64, 512), nn.ReLU(),
    nn.Linear(512, 512), nn.ReLU(),
    nn.Linear(512, 10),
)
optimizer = torch.optim.Adam(model_fp32.parameters(), lr=1e-3)
for step in range(300):
    batch = torch.randint(len(x_train), (64,))
    loss = F.cross_entropy(model_fp32(x_train[batch]), y_train[batch])
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
model_fp32.eval()

# Weights are stored as int8; activations are quantized on the fly at run time.
# Quantized kernels run on the CPU only.
model_int8 = torch.ao.quantization.quantize_dynamic(model_fp32, {nn.Linear}, dtype=torch.qint8)
print(model_int8[0])


def state_dict_bytes(model):
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    return buffer.getbuffer().nbytes


def accuracy(model):
    with torch.no_grad():
        return (model(x_test).argmax(dim=1) == y_test).float().mean().item()


def latency_ms(model, batch=x_test[:64], repeats=200):
    """Mean time per batch: measured on this machine, so it changes from run to run."""
    with torch.no_grad():
        model(batch)  # warm-up
        start = time.perf_counter()
        for _ in range(repeats):
            model(batch)
    return (time.perf_counter() - start) / repeats * 1000


rows = {name: (state_dict_bytes(m), latency_ms(m), accuracy(m))
        for name, m in [("float32", model_fp32), ("dynamic int8", model_int8)]}
print(f"\n{'model':<14}{'size':>12}{'latency (64 imgs)':>19}{'test acc':>10}   (latency: measured, not asserted)")
for name, (size, ms, acc) in rows.items():
    print(f"{name:<14}{size:>10,} B{ms:>16.3f} ms{acc:>10.3f}")

(size32, _, acc32), (size8, _, acc8) = rows["float32"], rows["dynamic int8"]
print(f"\nsize ratio: {size8 / size32:.2f}, accuracy change: {acc8 - acc32:+.3f}")
assert acc32 >= 0.95
assert size8 < 0.3 * size32  # int8 weights: about a quarter of the bytes
assert acc8 >= acc32 - 0.02

# What quantization does to the weights of the middle layer: 262,144 floats become int8 codes,
# weight = scale * (code - zero_point), so at most 256 distinct values remain.
float_weights = model_fp32[2].weight.detach().flatten()
int8_weights = model_int8[2].weight()  # a quantized tensor
codes = int8_weights.int_repr().flatten()
print(f"layer 2: {float_weights.unique().numel():,} distinct float32 values -> {codes.unique().numel()} int8 codes, "
      f"scale {int8_weights.q_scale():.5f}")
assert codes.unique().numel() <= 256
torch.testing.assert_close(int8_weights.dequantize().flatten(), float_weights, atol=int8_weights.q_scale() / 2 + 1e-7,
                           rtol=0)  # every weight rounded to the nearest level: error at most scale / 2

figure, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5))
left.hist(float_weights.numpy(), bins=200, color="tab:blue")
left.set_title("all float32 weights of layer 2")
left.set_xlabel("weight value")
left.set_ylabel("count")
# Zoom in around zero with bins 10x finer than the quantization step
scale = int8_weights.q_scale()
bins = torch.linspace(-4 * scale, 4 * scale, 81).numpy()
right.hist(float_weights.numpy(), bins=bins, color="tab:blue", alpha=0.6, label="float32")
right.hist(int8_weights.dequantize().flatten().numpy(), bins=bins, color="tab:orange", alpha=0.8,
           label="int8 (dequantized)")
right.set_title(f"zoom: int8 keeps one value per step of {scale:.4f}")
right.set_xlabel("weight value")
right.set_ylim(top=1.3 * right.get_ylim()[1])  # room for the legend
right.legend(loc="upper right", fontsize="small")
figure.suptitle("Dynamic quantization rounds every weight to one of at most 256 levels")
figure.tight_layout()
plt.show()
