# Slow training: torch.profiler shows a DataLoader doing expensive per-item work; precomputing the tensors once fixes it
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch.profiler import ProfilerActivity, profile, record_function
from torch.utils.data import DataLoader, Dataset, TensorDataset

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

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


def one_epoch(loader):
    """One training epoch, with the data and compute parts labelled for the profiler."""
    batches = iter(loader)
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


def profiled_epoch(loader):
    one_epoch(loader)  # warm-up epoch, not measured
    activities = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if device.type == "cuda" else [])
    start = time.perf_counter()
    with profile(activities=activities) as prof:
        one_epoch(loader)
    seconds = time.perf_counter() - start
    totals = {e.key: e.cpu_time_total / 1e6 for e in prof.key_averages() if e.key in ("data loading", "train step")}
    return seconds, totals


# The precomputed dataset holds exactly the same tensors as the slow one.
slow_dataset, fast_dataset = SlowDigits(), precompute_all()
for index in (0, 500, 1796):
    torch.testing.assert_close(slow_dataset[index][0], fast_dataset[index][0], rtol=1e-4, atol=1e-4)

slow_seconds, slow_parts = profiled_epoch(DataLoader(slow_dataset, batch_size=64, shuffle=True))
fast_seconds, fast_parts = profiled_epoch(DataLoader(fast_dataset, batch_size=64, shuffle=True))

print(f"{'dataset':<24} {'epoch':>8} {'data loading':>13} {'train step':>11} {'data share':>11}")
for name, seconds, parts in [("per-item work (slow)", slow_seconds, slow_parts),
                             ("precomputed (fast)", fast_seconds, fast_parts)]:
    share = parts["data loading"] / (parts["data loading"] + parts["train step"])
    print(f"{name:<24} {seconds * 1000:>6.0f} ms {parts['data loading'] * 1000:>10.0f} ms "
          f"{parts['train step'] * 1000:>8.0f} ms {share:>11.0%}")
speedup = slow_seconds / fast_seconds
print(f"speed-up: {speedup:.1f}x")

# The profiler points at the culprit: the model is the same, only fetching data got cheaper,
# by far more than the whole epoch did.
assert slow_parts["data loading"] > 5 * fast_parts["data loading"]
# Fixing the data pipeline (not the model) makes the whole epoch several times faster.
assert speedup > 2.0
