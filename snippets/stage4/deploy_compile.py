# torch.compile on one small model: the first call compiles, later calls run the generated code
import logging
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits

logging.getLogger("torch.utils.cpp_extension").setLevel(logging.ERROR)  # a CUDA build on a CPU notes it; not news
torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

digits = load_digits()
images = torch.tensor(digits.data, dtype=torch.float32) / 16.0  # (1797, 64): 8x8 digits, flattened
labels = torch.tensor(digits.target)
train_x, train_y = images[:1400].to(device), labels[:1400].to(device)
test_x = images[1400:1528].to(device)  # 128 test digits
# leak check: no test digit is also a training digit, pixel for pixel (the digits have no exact duplicates,
# so no deduplication is needed; the same writers are on both sides all the same: no writer ids ship).
assert not {tuple(r) for r in test_x.flatten(1).tolist()} & {tuple(r) for r in train_x.flatten(1).tolist()}

model = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 10)).to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
for step in range(200):  # a short training, so that predictions mean something
    batch = torch.randint(len(train_x), (64,), device=device)
    loss = F.cross_entropy(model(train_x[batch]), train_y[batch])
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
model.eval()

compiled = torch.compile(model)  # returns at once: nothing is compiled until the first call


def best_ms(run, repeats=20):
    """Fastest of a few calls, in milliseconds."""
    times = []
    for _ in range(repeats):
        if device.type == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        run()
        if device.type == "cuda":
            torch.cuda.synchronize()
        times.append((time.perf_counter() - start) * 1000)
    return min(times)


with torch.inference_mode():
    start = time.perf_counter()
    first = compiled(test_x)  # traces the model with TorchDynamo, generates and compiles kernels
    compile_s = time.perf_counter() - start
    eager = model(test_x)
    eager_ms = best_ms(lambda: model(test_x))
    compiled_ms = best_ms(lambda: compiled(test_x))

difference = (first - eager).abs().max().item()
print(f"first compiled call (compiling): {compile_s:.1f} s  (measured)")
print(f"eager: {eager_ms:.3f} ms   compiled: {compiled_ms:.3f} ms   speed-up {eager_ms / compiled_ms:.2f}x  (measured)")
print(f"largest difference between compiled and eager logits: {difference:.2e}")
print(f"same prediction for {(first.argmax(1) == eager.argmax(1)).float().mean().item():.0%} of the 128 digits")

# What holds on every machine: the compiled model computes the same function as the eager one.
assert torch.allclose(first, eager, atol=1e-4, rtol=1e-4)
assert torch.equal(first.argmax(1), eager.argmax(1))
