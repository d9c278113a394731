# exercise added by this site (lesson 1.1): an environment report to paste into a bug report
import os
import platform

import numpy
import torch
import torchvision

report = {
    "python": platform.python_version(),
    "torch": torch.__version__,
    "torchvision": torchvision.__version__,
    "numpy": numpy.__version__,
    "CUDA build": torch.version.cuda or "none (CPU-only build)",
    "CUDA available": torch.cuda.is_available(),
    "CPU cores": os.cpu_count(),
    "torch threads": torch.get_num_threads(),
}
for key, value in report.items():
    print(f"{key:>15}: {value}")

# torchvision is compiled against one torch release: a mismatched pair fails at its first C++ op.
# nms (non-maximum suppression) is one of them, so running it checks the pair works together.
boxes = torch.tensor([[0.0, 0.0, 10.0, 10.0], [1.0, 1.0, 11.0, 11.0], [50.0, 50.0, 60.0, 60.0]])
scores = torch.tensor([0.9, 0.8, 0.7])
kept = torchvision.ops.nms(boxes, scores, iou_threshold=0.5)
print(f"torchvision.ops.nms kept boxes {kept.tolist()} (box 1 overlaps box 0 and is dropped)")
assert kept.tolist() == [0, 2]
# NumPy and torch exchange arrays without copying
array = numpy.zeros(3)
torch.from_numpy(array)[0] = 1.0
assert array[0] == 1.0
print("torch, torchvision and NumPy work together")
