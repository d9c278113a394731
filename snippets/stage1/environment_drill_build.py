# exercise added by this site (lesson 1.1): what this PyTorch was built with, and what it can use now
import torch

built = {
    "CUDA (NVIDIA GPUs)": torch.backends.cuda.is_built(),
    "MPS (Apple GPUs)": torch.backends.mps.is_built(),
    "MKL (fast CPU math)": torch.backends.mkl.is_available(),
    "OpenMP (CPU threads)": torch.backends.openmp.is_available(),
    "cuDNN (CUDA's conv library)": torch.backends.cudnn.is_available(),
}
usable = {
    "a CUDA GPU": torch.cuda.is_available(),
    "an MPS GPU": torch.backends.mps.is_available(),
}
for name, value in built.items():
    print(f"built with {name:28} {value}")
for name, value in usable.items():
    print(f"can use {name:31} {value}")

# "Built with CUDA" and "a CUDA GPU is usable" are different questions: a CUDA wheel on a machine
# without a driver is built with CUDA, but cannot use it. The reverse is impossible.
assert torch.backends.cuda.is_built() == (torch.version.cuda is not None)
assert not torch.cuda.is_available() or torch.backends.cuda.is_built()
assert not torch.backends.mps.is_available() or torch.backends.mps.is_built()
if torch.backends.cuda.is_built() and not torch.cuda.is_available():
    print("diagnosis: a CUDA build without a usable GPU here: check the driver with nvidia-smi")
