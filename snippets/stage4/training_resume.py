# Resuming from a full checkpoint continues training exactly as if it had never stopped
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

digits = load_digits()
images = torch.tensor(digits.data, dtype=torch.float32) / 16.0
labels = torch.tensor(digits.target)
dataset = TensorDataset(images[:1000], labels[:1000])
criterion = nn.CrossEntropyLoss()
num_epochs = 6


def build(seed):
    """A model with Dropout (uses the RNG), Adam (has state) and a schedule (has state)."""
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Dropout(0.2), nn.Linear(128, 10)).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
    loader_rng = torch.Generator().manual_seed(seed)  # the shuffle order has its own generator
    loader = DataLoader(dataset, batch_size=64, shuffle=True, generator=loader_rng)
    return model, optimizer, scheduler, loader, loader_rng


def train(model, optimizer, scheduler, loader, epochs):
    model.train()
    for epoch in epochs:
        for data, target in loader:
            data, target = data.to(device), target.to(device)
            optimizer.zero_grad()
            criterion(model(data), target).backward()
            optimizer.step()
        scheduler.step()


# Run A: 6 epochs without interruption
model_a, opt_a, sched_a, loader_a, _ = build(seed=0)
train(model_a, opt_a, sched_a, loader_a, range(num_epochs))

# Run B: 3 epochs, then save *everything* that influences the rest of training
model_b, opt_b, sched_b, loader_b, loader_rng_b = build(seed=0)
train(model_b, opt_b, sched_b, loader_b, range(3))
checkpoint = {
    "epoch": 3,  # the next epoch to run
    "model": model_b.state_dict(),
    "optimizer": opt_b.state_dict(),  # Adam's moment estimates and step counts
    "scheduler": sched_b.state_dict(),  # where the learning-rate schedule is
    "torch_rng": torch.get_rng_state(),  # dropout masks
    "cuda_rng": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
    "loader_rng": loader_rng_b.get_state(),  # the shuffle order of the next epochs
}
torch.save(checkpoint, "resume.pth")
del model_b, opt_b, sched_b, loader_b, loader_rng_b, checkpoint

# ... the job is killed here. A fresh start builds new objects (deliberately another seed) ...
model_c, opt_c, sched_c, loader_c, loader_rng_c = build(seed=123)
checkpoint = torch.load("resume.pth", map_location=device, weights_only=True)
model_c.load_state_dict(checkpoint["model"])
opt_c.load_state_dict(checkpoint["optimizer"])
sched_c.load_state_dict(checkpoint["scheduler"])
torch.set_rng_state(checkpoint["torch_rng"])
if torch.cuda.is_available():
    torch.cuda.set_rng_state_all(checkpoint["cuda_rng"])
loader_rng_c.set_state(checkpoint["loader_rng"])
start_epoch = checkpoint["epoch"]
print(f"resumed at epoch {start_epoch}, learning rate {sched_c.get_last_lr()[0]:.2e}")

train(model_c, opt_c, sched_c, loader_c, range(start_epoch, num_epochs))

# Same weights, bit for bit, as the uninterrupted run
for (name, p_a), p_c in zip(model_a.state_dict().items(), model_c.state_dict().values()):
    assert torch.equal(p_a, p_c), name
print(f"after {num_epochs} epochs: resumed run == uninterrupted run (all {len(model_a.state_dict())} tensors equal)")
print(f"checkpoint entries: {sorted(checkpoint)}")
