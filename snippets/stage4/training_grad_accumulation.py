# roadmap 4.3.2: gradient accumulation gives the gradient of a 4x larger batch
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

digits = load_digits()
images = torch.tensor(digits.data, dtype=torch.float32) / 16.0
labels = torch.tensor(digits.target)
order = torch.randperm(len(images))
train_idx, test_idx = order[:1400], order[1400:]
# leak check: no test digit is also a training digit, pixel for pixel (the digits have no exact duplicates,
# so no deduplication is needed; the same writers are on both sides all the same: no writer ids ship).
assert not {tuple(r) for r in images[test_idx].flatten(1).tolist()} & {tuple(r) for r in images[train_idx].flatten(1).tolist()}


def make_model():
    # No BatchNorm: its batch statistics would differ between 4 small batches and 1 big one
    return nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10)).to(device)


criterion = nn.CrossEntropyLoss()  # mean over the batch
accumulation_steps = 4

# 1) Check: 4 micro-batches of 16, each loss divided by 4, add up to the gradient of one batch of 64
model = make_model()
big_x, big_y = images[train_idx[:64]].to(device), labels[train_idx[:64]].to(device)

model.zero_grad()
criterion(model(big_x), big_y).backward()
big_batch_grads = [p.grad.clone() for p in model.parameters()]

model.zero_grad()
for micro_x, micro_y in zip(big_x.chunk(accumulation_steps), big_y.chunk(accumulation_steps)):
    loss = criterion(model(micro_x), micro_y) / accumulation_steps  # .backward() *adds* into .grad
    loss.backward()
for accumulated, reference in zip((p.grad for p in model.parameters()), big_batch_grads):
    torch.testing.assert_close(accumulated, reference)
print("accumulated gradients of 4 x 16 samples == gradients of 1 x 64 samples")

# 2) Train with micro-batches of 16 and an effective batch size of 16 * 4 = 64
train_loader = DataLoader(TensorDataset(images[train_idx], labels[train_idx]), batch_size=16, shuffle=True)
model = make_model()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)

num_epochs = 10
updates = 0
for epoch in range(num_epochs):
    model.train()
    optimizer.zero_grad()
    for i, (data, target) in enumerate(train_loader):
        data, target = data.to(device), target.to(device)

        output = model(data)
        loss = criterion(output, target)

        # Normalize so the summed gradient is an average over the effective batch
        loss = loss / accumulation_steps
        loss.backward()

        # Update once every accumulation_steps micro-batches (and flush a last, incomplete group)
        if (i + 1) % accumulation_steps == 0 or (i + 1) == len(train_loader):
            optimizer.step()
            optimizer.zero_grad()
            updates += 1

model.eval()
with torch.no_grad():
    test_acc = (model(images[test_idx].to(device)).argmax(1).cpu() == labels[test_idx]).float().mean().item()
print(f"{len(train_loader)} micro-batches per epoch -> {updates // num_epochs} optimizer steps per epoch")
print(f"test accuracy after {num_epochs} epochs: {test_acc:.3f}")
assert updates == num_epochs * -(-len(train_loader) // accumulation_steps)
assert test_acc >= 0.93
