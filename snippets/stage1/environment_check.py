# roadmap 1.1: check that PyTorch is installed and which devices it can use
import platform
import sys

import torch

print(f"PyTorch version: {torch.__version__}")
print(f"Python version:  {platform.python_version()}")
print(f"CUDA available:  {torch.cuda.is_available()}")
if torch.cuda.is_available():
    print(f"CUDA version:    {torch.version.cuda}")
    print(f"GPU device:      {torch.cuda.get_device_name(0)}")
# Apple silicon GPUs are reached through the "mps" backend instead of CUDA.
print(f"MPS available:   {torch.backends.mps.is_available()}")  # (1)!

# A tiny computation proves the install works end to end, not just that it imports.
x = torch.tensor([1.0, 2.0, 3.0])
assert torch.equal(x * 2, torch.tensor([2.0, 4.0, 6.0]))
assert sys.version_info >= (3, 10), "current PyTorch releases need Python 3.10 or newer"
print("Everything works.")
