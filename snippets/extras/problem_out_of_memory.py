# CUDA out of memory: where activation memory goes, and how a smaller batch, bf16 autocast and gradient accumulation cut the peak
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

# A small CNN on 3x32x32 images. Stride-2 convolutions (instead of max-pooling) keep the
# activations easy to count: every layer saves one tensor for backward.
model = nn.Sequential(
    nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(),
    nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.ReLU(),
    nn.Conv2d(64, 64, 3, stride=2, padding=1), nn.ReLU(),
    nn.Flatten(), nn.Linear(64 * 8 * 8, 10),
).to(device)
parameter_ptrs = {p.data_ptr() for p in model.parameters()}

full_batch = 128
images = torch.randn(full_batch, 3, 32, 32, device=device)
labels = torch.randint(0, 10, (full_batch,), device=device)


def activation_bytes(batch_images, batch_labels, dtype=None, scale=1.0):
    """Run forward + backward and return the bytes autograd kept alive for backward.

    saved_tensors_hooks sees every tensor autograd stores between forward and backward,
    on any device. We skip the parameters (they live in memory anyway) and count each
    tensor once (a ReLU output is saved by the ReLU *and* by the next conv).
    """
    saved = {}

    def pack(tensor):
        if tensor.data_ptr() not in parameter_ptrs:
            saved[tensor.data_ptr()] = tensor.numel() * tensor.element_size()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        if dtype is None:
            loss = F.cross_entropy(model(batch_images), batch_labels)
        else:
            # Mixed precision: matmuls and convolutions run (and save their inputs) in bf16.
            with torch.autocast(device_type=device.type, dtype=dtype):
                loss = F.cross_entropy(model(batch_images), batch_labels)
    (loss * scale).backward()
    return sum(saved.values())


def cuda_peak_bytes(step):
    """On a GPU, also measure the real peak with the CUDA caching allocator's counters."""
    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    baseline = torch.cuda.memory_allocated()
    step()
    torch.cuda.synchronize()
    return torch.cuda.max_memory_allocated() - baseline


MB = 2**20
# 1. The memory math: activations grow linearly with the batch size.
per_sample = 32 * 32 * 32 + 64 * 16 * 16 + 64 * 8 * 8  # elements saved by the conv/ReLU layers
print(f"saved elements per image ≈ {per_sample:,} -> {per_sample * 4 / 1024:.0f} KiB in float32 "
      f"(x{full_batch} images = {full_batch * per_sample * 4 / MB:.1f} MiB, plus the input)")

model.zero_grad()
fp32_full = activation_bytes(images, labels)
model.zero_grad()
fp32_half = activation_bytes(images[: full_batch // 2], labels[: full_batch // 2])
model.zero_grad()
bf16_full = activation_bytes(images, labels, dtype=torch.bfloat16)

# 2. Gradient accumulation: 4 micro-batches of 32, each loss scaled by 1/4, give the same
#    gradient as one batch of 128, but only one micro-batch's activations live at a time.
model.zero_grad()
activation_bytes(images, labels)
full_batch_grads = [p.grad.clone() for p in model.parameters()]

model.zero_grad()
accumulation_steps = 4
micro_peak = 0
for micro_images, micro_labels in zip(images.chunk(accumulation_steps), labels.chunk(accumulation_steps)):
    micro_peak = max(micro_peak, activation_bytes(micro_images, micro_labels, scale=1 / accumulation_steps))
for accumulated, reference in zip((p.grad for p in model.parameters()), full_batch_grads):
    torch.testing.assert_close(accumulated, reference, rtol=1e-4, atol=1e-6)

print(f"\n{'setting':<38} {'activations':>12} {'vs baseline':>12}")
for name, size in [
    (f"batch {full_batch}, float32 (baseline)", fp32_full),
    (f"batch {full_batch // 2}, float32", fp32_half),
    (f"batch {full_batch}, bf16 autocast", bf16_full),
    (f"batch {full_batch} as 4 x 32, accumulated", micro_peak),
]:
    print(f"{name:<38} {size / MB:>8.1f} MiB {size / fp32_full:>11.2f}x")
print("gradient from 4 accumulated micro-batches == gradient from the full batch: True")

# The fixes, checked: each one cuts what has to fit in memory at once.
assert fp32_full >= full_batch * per_sample * 4       # the memory math is a lower bound
assert 0.45 < fp32_half / fp32_full < 0.55            # half the batch, half the activations
assert bf16_full / fp32_full < 0.6                    # 2-byte bf16 instead of 4-byte float32
assert 0.2 < micro_peak / fp32_full < 0.3             # a quarter of the batch alive at a time

if device.type == "cuda":
    def train_step(batch_images, batch_labels):
        model.zero_grad()
        F.cross_entropy(model(batch_images), batch_labels).backward()

    peak_full = cuda_peak_bytes(lambda: train_step(images, labels))
    peak_half = cuda_peak_bytes(lambda: train_step(images[:64], labels[:64]))
    print(f"CUDA peak: batch 128 {peak_full / MB:.1f} MiB, batch 64 {peak_half / MB:.1f} MiB")
    assert peak_half < peak_full
