# Copies to the GPU: pinned (page-locked) memory and non_blocking=True
import time

import torch

torch.manual_seed(0)
if not torch.cuda.is_available():
    # Pinned memory is host RAM locked in place so that the GPU can read it directly (DMA).
    # Only a CUDA driver can allocate it, so on a machine without one there is nothing to show.
    print("skipped: no CUDA GPU here. Pinned memory and non_blocking copies need a CUDA device.")
    try:
        torch.ones(1).pin_memory()
        print("tensor.pin_memory() still works here (pinned for another accelerator)")
    except RuntimeError as error:
        print("tensor.pin_memory() here raises RuntimeError:", str(error).split(".")[0])
    cpu_tensor = torch.ones(3)
    assert cpu_tensor.to("cpu", non_blocking=True) is cpu_tensor  # already there: nothing to copy
else:
    device = torch.device("cuda")
    batch = torch.randn(64, 3, 224, 224)  # about 37 MiB of float32
    pinned = batch.pin_memory()
    print(f"batch: {batch.numel() * 4 / 2**20:.0f} MiB, pinned: {pinned.is_pinned()}")
    assert pinned.is_pinned() and not batch.is_pinned()

    def copy_time(source, non_blocking, repeats=10):
        source.to(device, non_blocking=non_blocking)  # warm-up
        torch.cuda.synchronize()
        start = time.perf_counter()
        for _ in range(repeats):
            source.to(device, non_blocking=non_blocking)
        torch.cuda.synchronize()
        return (time.perf_counter() - start) / repeats

    pageable_s = copy_time(batch, non_blocking=False)
    pinned_s = copy_time(pinned, non_blocking=True)
    # The speeds depend on the machine and its load: measured, not asserted
    print(f"pageable copy: {pageable_s * 1e3:.2f} ms ({batch.numel() * 4 / pageable_s / 1e9:.1f} GB/s) (measured)")
    print(f"pinned, non_blocking: {pinned_s * 1e3:.2f} ms ({batch.numel() * 4 / pinned_s / 1e9:.1f} GB/s) (measured)")

    # non_blocking=True returns before the copy is done, so the CPU can queue more work;
    # operations on the GPU stream still run in order, so the result is correct.
    on_gpu = pinned.to(device, non_blocking=True)
    doubled = on_gpu * 2  # queued after the copy on the same stream, so it sees the copied data
    assert torch.equal(doubled.cpu(), batch * 2)  # .cpu() waits for the GPU before reading
    print("the non_blocking copy arrived intact")
