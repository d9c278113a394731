# Slow training: torch.profiler shows a DataLoader doing expensive per-item work; precomputing the tensors once fixes it
import os
import time
from itertools import islice

import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch.profiler import ProfilerActivity, profile, record_function
from torch.utils.data import DataLoader, Dataset, TensorDataset

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
if device.type == "cpu":
    # The profiler's backend (Kineto) logs every start and stop on stderr, plus a failed GPU probe
    # on a machine without a GPU: noise here. On a GPU machine keep its messages, they can matter.
    os.environ.setdefault("KINETO_LOG_LEVEL", "6")

digits = load_digits()
raw_images = digits.images.tolist()  # "files on disk": nested Python lists of 0..16 pixel values
raw_labels = digits.target.tolist()


class SlowDigits(Dataset):
    """Decodes, resizes and normalizes one image per __getitem__ call, every epoch, in Python."""

    def __len__(self):
        return len(raw_images)

    def __getitem__(self, index):
        image = torch.tensor(raw_images[index], dtype=torch.float32).view(1, 1, 8, 8) / 16.0
        image = F.interpolate(image, size=(32, 32), mode="bilinear", align_corners=False)[0]
        image = (image - image.mean()) / (image.std() + 1e-6)
        return image, raw_labels[index]


def precompute_all():
    """The same preprocessing, done once for the whole dataset as batched tensor operations."""
    images = torch.tensor(raw_images, dtype=torch.float32).unsqueeze(1) / 16.0
    images = F.interpolate(images, size=(32, 32), mode="bilinear", align_corners=False)
    mean = images.mean(dim=(1, 2, 3), keepdim=True)
    std = images.std(dim=(1, 2, 3), keepdim=True)
    return TensorDataset((images - mean) / (std + 1e-6), torch.tensor(raw_labels))


model = nn.Sequential(
    nn.Conv2d(1, 8, 3, stride=2, padding=1), nn.ReLU(),
    nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.ReLU(),
    nn.Flatten(), nn.Linear(16 * 8 * 8, 10),
).to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=0.05)


def train(loader, max_batches=None):
    """Training iterations, with the data and compute parts labelled for the profiler."""
    batches = islice(iter(loader), max_batches)
    while True:
        with record_function("data loading"):
            batch = next(batches, None)
        if batch is None:
            return
        with record_function("train step"):
            images, labels = (t.to(device) for t in batch)
            loss = F.cross_entropy(model(images), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()


def operator_calls(event):
    """How many PyTorch operators ran inside a profiled region (its whole subtree)."""
    return sum(1 + operator_calls(child) for child in event.cpu_children)


def measure(loader):
    train(loader)  # warm-up epoch
    start = time.perf_counter()
    train(loader)  # one whole epoch, timed without the profiler's overhead
    epoch_seconds = time.perf_counter() - start

    # Profiling a few iterations is enough to see where the time goes (and keeps the report small).
    activities = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if device.type == "cuda" else [])
    with profile(activities=activities) as prof:
        train(loader, max_batches=10)
    parts = {name: {"seconds": 0.0, "operators": 0} for name in ("data loading", "train step")}
    for event in prof.events():
        if event.name in parts:
            parts[event.name]["seconds"] += event.cpu_time_total / 1e6
            parts[event.name]["operators"] += operator_calls(event)
    share = parts["data loading"]["seconds"] / (parts["data loading"]["seconds"] + parts["train step"]["seconds"])
    return epoch_seconds, parts, share


# The precomputed dataset holds exactly the same tensors as the slow one.
slow_dataset, fast_dataset = SlowDigits(), precompute_all()
for index in (0, 500, 1796):
    torch.testing.assert_close(slow_dataset[index][0], fast_dataset[index][0], rtol=1e-4, atol=1e-4)

slow_epoch, slow_parts, slow_share = measure(DataLoader(slow_dataset, batch_size=64, shuffle=True))
fast_epoch, fast_parts, fast_share = measure(DataLoader(fast_dataset, batch_size=64, shuffle=True))

print("profile of 10 iterations:")
print(f"{'dataset':<22} {'data loading':>20} {'train step':>20} {'data share':>11}")
for name, parts, share in [("per-item work (slow)", slow_parts, slow_share),
                           ("precomputed (fast)", fast_parts, fast_share)]:
    cells = [f"{parts[p]['operators']:>5} ops {parts[p]['seconds'] * 1000:>5.0f} ms" for p in parts]
    print(f"{name:<22} {cells[0]:>20} {cells[1]:>20} {share:>11.0%}")
print(f"measured whole epoch: {slow_epoch * 1000:.0f} ms slow, {fast_epoch * 1000:.0f} ms fast "
      f"({slow_epoch / fast_epoch:.1f}x; timings vary with the machine and its load)")

# The model is the same: the training step runs exactly the same operators in both runs ...
assert slow_parts["train step"]["operators"] == fast_parts["train step"]["operators"]
# ... while fetching the data runs many times more of them when every item is processed on its own.
assert slow_parts["data loading"]["operators"] > 5 * fast_parts["data loading"]["operators"]
# The times are measured, not asserted: a busy machine or the number of threads changes them a lot
# (the training step most of all). The operator counts above are the same on every machine.
