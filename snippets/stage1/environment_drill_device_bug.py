# exercise added by this site (lesson 1.1): find the bug, a device hard-coded into a script
import torch

# The bug: a script written on a two-GPU machine says torch.zeros(3, device="cuda:1").
# Here we ask for the GPU one past the last this machine has, so the bug shows on any machine
# (on a laptop without CUDA that is cuda:0 itself).
missing = f"cuda:{torch.cuda.device_count()}"
try:
    torch.zeros(3, device=missing)
except (RuntimeError, AssertionError) as error:  # CPU-only builds raise AssertionError
    print(f"torch.zeros(3, device={missing!r}) fails: {type(error).__name__}: {str(error).splitlines()[0][:80]}")
else:
    raise AssertionError(f"expected {missing} to be missing")


# The fix: ask what exists, and fall back to something that does
def pick_device(wanted_index=1):
    if torch.cuda.is_available():
        index = wanted_index if wanted_index < torch.cuda.device_count() else 0
        return torch.device(f"cuda:{index}")
    return torch.device("cpu")


device = pick_device()
x = torch.zeros(3, device=device) + 1
print(f"pick_device() -> {device}; a tensor there sums to {x.sum().item()}")
assert x.device.type == device.type and x.sum().item() == 3.0
if not torch.cuda.is_available():
    assert device == torch.device("cpu")
