# roadmap 3.1.3: checkpoints; stop after 3 epochs, resume, and match an uninterrupted run exactly
import torch
import torch.nn as nn
from sklearn.datasets import load_digits

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

# Real data: 1,797 8x8 handwritten digits, flattened to 64 features in [0, 1].
digits = load_digits()
X = torch.tensor(digits.data, dtype=torch.float32, device=device) / 16.0
y = torch.tensor(digits.target, device=device)


class SimpleNet(nn.Module):
    def __init__(self, input_size, hidden_size, num_classes):
        super().__init__()
        self.fc1 = nn.Linear(input_size, hidden_size)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(hidden_size, num_classes)

    def forward(self, x):
        return self.fc2(self.relu(self.fc1(x)))


def make_model_and_optimizer(seed):
    torch.manual_seed(seed)
    model = SimpleNet(64, 32, 10).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    return model, optimizer


def train_one_epoch(model, optimizer, epoch, batch_size=64):
    # The shuffle order depends only on the epoch number, so a resumed run sees the same batches.
    order = torch.randperm(len(X), generator=torch.Generator().manual_seed(epoch)).to(device)
    total = 0.0
    for start in range(0, len(X), batch_size):
        idx = order[start:start + batch_size]
        loss = nn.functional.cross_entropy(model(X[idx]), y[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * len(idx)
    return total / len(X)


num_epochs = 6

# Run A: six epochs without interruption.
model, optimizer = make_model_and_optimizer(seed=0)
uninterrupted = [train_one_epoch(model, optimizer, epoch) for epoch in range(num_epochs)]

# Run B: three epochs, then save a checkpoint ...
model, optimizer = make_model_and_optimizer(seed=0)
resumed = [train_one_epoch(model, optimizer, epoch) for epoch in range(3)]
checkpoint = {
    "epoch": 3,                                        # the next epoch to run
    "model_state_dict": model.state_dict(),
    "optimizer_state_dict": optimizer.state_dict(),    # Adam's running averages live here
    "loss": resumed[-1],
}
torch.save(checkpoint, "checkpoint.pth")
del model, optimizer

# ... and resume in a "new process": fresh objects (different random init), then load the state.
model, optimizer = make_model_and_optimizer(seed=123)
checkpoint = torch.load("checkpoint.pth", map_location=device)
model.load_state_dict(checkpoint["model_state_dict"])
optimizer.load_state_dict(checkpoint["optimizer_state_dict"])
start_epoch = checkpoint["epoch"]
print(f"resumed at epoch {start_epoch} (last loss {checkpoint['loss']:.4f})")
model.train()  # load_state_dict does not change train/eval mode; set it explicitly
resumed += [train_one_epoch(model, optimizer, epoch) for epoch in range(start_epoch, num_epochs)]

# Run C: same checkpoint, but "forget" the optimizer state (a common mistake).
model, optimizer = make_model_and_optimizer(seed=123)
model.load_state_dict(checkpoint["model_state_dict"])
weights_only_resume = resumed[:3] + [train_one_epoch(model, optimizer, epoch) for epoch in range(3, num_epochs)]

print(f"\n{'epoch':>5} {'uninterrupted':>14} {'resumed':>10} {'no optimizer state':>19}")
for epoch in range(num_epochs):
    print(f"{epoch + 1:>5} {uninterrupted[epoch]:>14.6f} {resumed[epoch]:>10.6f} {weights_only_resume[epoch]:>19.6f}")

# Resuming with model + optimizer state reproduces the uninterrupted run.
torch.testing.assert_close(torch.tensor(resumed), torch.tensor(uninterrupted))
# Without the optimizer state, Adam restarts its moment estimates and the trajectory changes.
assert weights_only_resume[3] != uninterrupted[3]
print("\nresumed run == uninterrupted run; skipping the optimizer state changes the losses")
