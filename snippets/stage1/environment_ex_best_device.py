# exercise added by this site (lesson 1.1): pick the best available device, with a reason
import torch


def best_device():
    """CUDA if an NVIDIA GPU is usable, else Apple's MPS, else the CPU; and why."""
    if torch.cuda.is_available():
        return torch.device("cuda"), f"CUDA GPU: {torch.cuda.get_device_name(0)}"
    if torch.backends.mps.is_available():
        return torch.device("mps"), "Apple silicon GPU (MPS)"
    return torch.device("cpu"), "CPU (no CUDA or MPS device found)"


device, reason = best_device()
print(f"best device: {device} - {reason}")

# A tensor created there really lives there, and a computation on it gives the right answer.
x = torch.arange(6, dtype=torch.float32, device=device).reshape(2, 3)
total = (x @ x.T).sum()
print(f"x @ x.T summed on {x.device}: {total.item()}")
assert x.device.type == device.type
assert total.item() == 5 + 14 + 14 + 50  # [[0,1,2],[3,4,5]] @ its transpose = [[5, 14], [14, 50]]
# The choice follows the rule: CUDA first, then MPS, then the CPU.
expected = "cuda" if torch.cuda.is_available() else "mps" if torch.backends.mps.is_available() else "cpu"
assert device.type == expected
