# roadmap 4.3.1: mixed precision with torch.amp (bf16 on CPU; fp16 + GradScaler on CUDA) and gradient clipping
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

# fp16 has a narrow range, so small gradients underflow to 0: it needs loss scaling (GradScaler).
# bf16 keeps float32's range (fewer mantissa bits), so it needs no scaler. CPUs autocast to bf16.
amp_dtype = torch.float16 if device.type == "cuda" else torch.bfloat16
scaler = torch.amp.GradScaler("cuda", enabled=device.type == "cuda")

# Real data: 1,797 handwritten 8x8 digits, pixels 0..16 scaled to 0..1
digits = load_digits()
images = torch.tensor(digits.data, dtype=torch.float32) / 16.0
labels = torch.tensor(digits.target)
order = torch.randperm(len(images))
train_idx, test_idx = order[:1400], order[1400:]
train_loader = DataLoader(TensorDataset(images[train_idx], labels[train_idx]), batch_size=64, shuffle=True)
test_images, test_labels = images[test_idx].to(device), labels[test_idx].to(device)
# leak check: no test digit is also a training digit, pixel for pixel (the digits have no exact duplicates,
# so no deduplication is needed; the same writers are on both sides all the same: no writer ids ship).
assert not {tuple(r) for r in images[test_idx].flatten(1).tolist()} & {tuple(r) for r in images[train_idx].flatten(1).tolist()}

model = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10)).to(device)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
max_norm = 1.0

num_epochs = 8
clipped_steps = total_steps = 0
for epoch in range(num_epochs):
    model.train()
    for data, target in train_loader:
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()

        # Inside autocast, matmuls run in amp_dtype; precision-sensitive ops (the loss) stay float32
        with torch.autocast(device_type=device.type, dtype=amp_dtype):
            output = model(data)
            loss = criterion(output, target)
        assert output.dtype == amp_dtype and loss.dtype == torch.float32

        # Scale the loss so fp16 gradients do not underflow (a no-op when the scaler is disabled)
        scaler.scale(loss).backward()

        # Clip the *true* gradients: unscale first, otherwise max_norm would apply to scaled values
        scaler.unscale_(optimizer)
        grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=max_norm)
        clipped_steps += int(grad_norm > max_norm)
        total_steps += 1

        # step() skips the update if the unscaled grads contain inf/NaN; update() adapts the scale
        scaler.step(optimizer)
        scaler.update()

# The weights themselves stay float32 ("master weights"): only the computation was lower precision
assert all(p.dtype == torch.float32 for p in model.parameters())

model.eval()
with torch.no_grad(), torch.autocast(device_type=device.type, dtype=amp_dtype):
    test_acc = (model(test_images).argmax(1) == test_labels).float().mean().item()

print(f"device: {device.type}, autocast dtype: {amp_dtype}, GradScaler enabled: {scaler.is_enabled()}")
print(f"gradient norm clipped to {max_norm} in {clipped_steps} of {total_steps} steps")
print(f"test accuracy after {num_epochs} epochs: {test_acc:.3f}")
assert test_acc >= 0.93
