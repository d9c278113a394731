# exercise added by this site (lesson 1.1): read torch.__version__ and what the build was made for
import torch

version = torch.__version__            # e.g. "2.5.1+cu124", "2.5.1+cpu" or "2.5.1" (macOS)
release, _, local = version.partition("+")
major, minor = (int(part) for part in release.split(".")[:2])
print(f"torch {version}: release {major}.{minor}, build tag {local or '(none)'}")
assert (major, minor) >= (2, 0), "this course uses PyTorch 2"

# The tag names the build: "cpu" has no CUDA at all, "cuXYZ" was built against CUDA X.Y(Z)
if local == "cpu":
    assert torch.version.cuda is None
if local.startswith("cu"):
    digits = torch.version.cuda.replace(".", "")
    print(f"built for CUDA {torch.version.cuda} (the tag says {local})")
    assert local == "cu" + digits
# Compare versions as numbers, never as plain strings ("2.10" < "2.9" as text).
# torch.__version__ is a TorchVersion, which compares as a version:
assert (torch.__version__ >= "2.0") == ((major, minor) >= (2, 0))
assert (torch.__version__ >= f"{major}.{minor + 1}") is False
