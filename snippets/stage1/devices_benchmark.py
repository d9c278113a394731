# roadmap 1.3 (experiment): matrix multiplication on the CPU vs the GPU
import time

import matplotlib.pyplot as plt
import torch

torch.manual_seed(0)
has_gpu = torch.cuda.is_available()
# 10000 x 10000 is the roadmap's size: 2 TFLOP per product, a long wait on a laptop CPU.
# Without a GPU there is nothing to compare against, so keep the CPU half small.
size = 4096 if has_gpu else 1024
print(f"matrix size: {size} x {size}" + ("" if has_gpu else " (no GPU here: CPU only, at a smaller size)"))

# The inputs are made once, on the CPU, so both devices multiply exactly the same numbers.
x = torch.rand(size, size)
y = torch.rand(size, size)


def timed_matmul(device, repeats=5):
    """The product on `device` and the median seconds of one matmul (creation and warm-up excluded)."""
    a, b = x.to(device), y.to(device)
    torch.matmul(a, b)  # warm-up: the first call pays one-off costs (kernel selection, caches)
    times = []
    for _ in range(repeats):
        if device.type == "cuda":
            torch.cuda.synchronize()  # GPU calls return at once: wait for the work to finish
        start = time.perf_counter()
        z = torch.matmul(a, b)
        if device.type == "cuda":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    return z.cpu(), sorted(times)[len(times) // 2]


flops = 2 * size ** 3  # one multiply and one add per inner-product term
products, seconds = {}, {}
products["CPU"], seconds["CPU"] = timed_matmul(torch.device("cpu"))
if has_gpu:
    products["GPU"], seconds["GPU"] = timed_matmul(torch.device("cuda"))

# What is checked: the answer. Spot-check entries against a float64 dot product, and the
# two devices against each other. The timings depend on the machine and on whatever else runs
# on it, so they are printed as measured, not asserted.
reference = x[:8].double() @ y[:, :8].double()
for name, z in products.items():
    torch.testing.assert_close(z[:8, :8].double(), reference, rtol=1e-4, atol=0)
if has_gpu:
    torch.testing.assert_close(products["GPU"], products["CPU"], rtol=1e-3, atol=1e-2)
    print("CPU and GPU products agree (and match a float64 reference)")
else:
    print("CPU product matches a float64 reference")

for name, s in seconds.items():
    print(f"{name}: {s * 1000:8.2f} ms  ({flops / s / 1e9:8.1f} GFLOP/s)  (measured, not asserted)")
if has_gpu:
    print(f"speed-up: {seconds['CPU'] / seconds['GPU']:.1f}x (measured, not asserted)")

fig, axis = plt.subplots(figsize=(6, 2.2 if not has_gpu else 2.8))
names = list(seconds)
gflops = [flops / seconds[n] / 1e9 for n in names]
axis.barh(names, gflops, color=["tab:blue", "tab:orange"][: len(names)])
axis.set_xlabel("GFLOP/s (higher is faster; measured on the build machine)")
axis.set_title(f"{size}x{size} float32 matmul" + ("" if has_gpu else " (no GPU on this machine)"))
axis.set_xlim(0, max(gflops) * 1.25)
for row, value in enumerate(gflops):
    axis.text(value, row, f" {value:,.0f}", va="center")
plt.tight_layout()
plt.show()
