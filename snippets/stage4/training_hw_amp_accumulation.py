# exercise added by this site (lesson 4.3): mixed precision, gradient accumulation and clipping in one loop
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
amp_dtype = torch.float16 if device.type == "cuda" else torch.bfloat16
scaler = torch.amp.GradScaler("cuda", enabled=device.type == "cuda")

digits = load_digits()
images = torch.tensor(digits.data, dtype=torch.float32) / 16.0
labels = torch.tensor(digits.target)
order = torch.randperm(len(images))
train_idx, test_idx = order[:1400], order[1400:]
# leak check: no test digit is also a training digit, pixel for pixel (the digits have no exact duplicates,
# so no deduplication is needed; the same writers are on both sides all the same: no writer ids ship).
assert not {tuple(r) for r in images[test_idx].flatten(1).tolist()} & {tuple(r) for r in images[train_idx].flatten(1).tolist()}
train_loader = DataLoader(TensorDataset(images[train_idx], labels[train_idx]), batch_size=16, shuffle=True)

model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10)).to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
criterion = nn.CrossEntropyLoss()
accumulation_steps = 4

for epoch in range(10):
    model.train()
    optimizer.zero_grad()
    for i, (data, target) in enumerate(train_loader):
        data, target = data.to(device), target.to(device)
        with torch.autocast(device_type=device.type, dtype=amp_dtype):
            loss = criterion(model(data), target) / accumulation_steps
        scaler.scale(loss).backward()  # scaled gradients accumulate in .grad

        if (i + 1) % accumulation_steps == 0 or (i + 1) == len(train_loader):
            scaler.unscale_(optimizer)  # once per update, on the *accumulated* gradients
            torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
            scaler.step(optimizer)
            scaler.update()  # also once per update, not per micro-batch
            optimizer.zero_grad()

model.eval()
with torch.no_grad():
    test_acc = (model(images[test_idx].to(device)).argmax(1).cpu() == labels[test_idx]).float().mean().item()
print(f"AMP ({amp_dtype}) + accumulation x{accumulation_steps} + clipping: test accuracy {test_acc:.3f}")
assert test_acc >= 0.93
