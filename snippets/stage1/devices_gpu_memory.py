# Measuring GPU memory: what is allocated, the peak, and what is freed
import torch

if not torch.cuda.is_available():
    # torch.cuda.memory_allocated() and friends report on a CUDA device; without one there is
    # nothing to measure. The CPU has no equivalent counter in PyTorch (use your OS tools).
    print("skipped: no CUDA GPU here, so there is no GPU memory to measure.")
else:
    device = torch.device("cuda")
    # Warm-up: the first matmul also allocates cuBLAS's workspace; keep it out of the measurement
    warm = torch.ones(1024, 1024, device=device)
    warm @ warm
    del warm
    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    before = torch.cuda.memory_allocated()

    x = torch.empty(1024, 1024, device=device)  # 1024 * 1024 float32 = exactly 4 MiB
    after_x = torch.cuda.memory_allocated()
    y = x @ x  # another 4 MiB for the result
    after_y = torch.cuda.memory_allocated()
    print(f"allocated: +{(after_x - before) / 2**20:.0f} MiB for x, +{(after_y - after_x) / 2**20:.0f} MiB for y")
    assert after_x - before == 4 * 2**20 and after_y - after_x == 4 * 2**20

    del x, y  # freed memory goes back to PyTorch's cache, not to the driver
    after_del = torch.cuda.memory_allocated()
    print(f"after del: {(after_del - before) / 2**20:.0f} MiB allocated, "
          f"peak {(torch.cuda.max_memory_allocated() - before) / 2**20:.0f} MiB above the start, "
          f"reserved by the cache {torch.cuda.memory_reserved() / 2**20:.0f} MiB")
    assert after_del == before
    assert torch.cuda.max_memory_allocated() - before >= 8 * 2**20
    assert torch.cuda.memory_reserved() >= 8 * 2**20  # still held for reuse
