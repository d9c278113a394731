# roadmap 1.3 (experiment): matrix multiplication on the CPU vs the GPU
import time

import matplotlib.pyplot as plt
import torch

torch.manual_seed(0)
has_gpu = torch.cuda.is_available()
# 10000 x 10000 is the roadmap's size: two seconds on a GPU, minutes on a laptop CPU.
# Without a GPU there is nothing to compare against, so keep the CPU half small.
size = 4096 if has_gpu else 1024
print(f"matrix size: {size} x {size}" + ("" if has_gpu else " (no GPU here: CPU only, at a smaller size)"))


def timed_matmul(device, repeats=5):
    """Median seconds for one size x size matmul on `device` (creation and warm-up excluded)."""
    x = torch.rand(size, size, device=device)
    y = torch.rand(size, size, device=device)
    torch.matmul(x, y)  # warm-up: the first call pays one-off costs (kernel selection, caches)
    times = []
    for _ in range(repeats):
        if device.type == "cuda":
            torch.cuda.synchronize()  # GPU calls return at once: wait for the work to finish
        start = time.perf_counter()
        z = torch.matmul(x, y)
        if device.type == "cuda":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    # Spot-check one entry of the result against a float64 dot product.
    expected = (x[0].double() * y[:, 0].double()).sum()
    assert torch.allclose(z[0, 0].double().cpu(), expected.cpu(), rtol=1e-3), "wrong matmul result"
    return sorted(times)[len(times) // 2]


flops = 2 * size ** 3  # one multiply and one add per inner-product term
results = {"CPU": timed_matmul(torch.device("cpu"))}
if has_gpu:
    results["GPU"] = timed_matmul(torch.device("cuda"))

for name, seconds in results.items():
    print(f"{name}: {seconds * 1000:8.2f} ms  ({flops / seconds / 1e9:8.1f} GFLOP/s)")
if has_gpu:
    speedup = results["CPU"] / results["GPU"]
    print(f"speed-up: {speedup:.1f}x")
    assert speedup > 1, "a GPU should beat the CPU on a large matmul"

fig, axis = plt.subplots(figsize=(6, 3))
names = list(results)
gflops = [flops / results[n] / 1e9 for n in names]
axis.barh(names, gflops, color=["tab:blue", "tab:orange"][: len(names)])
axis.set_xlabel("GFLOP/s (higher is faster)")
axis.set_title(f"{size}x{size} float32 matmul")
for y, value in enumerate(gflops):
    axis.text(value, y, f" {value:,.0f}", va="center")
plt.show()
