# CUDA_VISIBLE_DEVICES: which GPUs a new process may see, renumbered from 0
import os
import subprocess
import sys

import torch

COUNT = "import torch; print(torch.cuda.device_count())"


def gpus_seen(visible):
    """How many GPUs a fresh Python process sees with CUDA_VISIBLE_DEVICES=visible."""
    env = dict(os.environ, CUDA_VISIBLE_DEVICES=visible)
    result = subprocess.run([sys.executable, "-c", COUNT], env=env, capture_output=True, text=True, check=True)
    return int(result.stdout)


total = torch.cuda.device_count()
print(f"this process sees {total} GPU(s)")
hidden = gpus_seen("")  # an empty list hides every GPU: the process runs on the CPU
print(f"with CUDA_VISIBLE_DEVICES='': {hidden} GPU(s)")
assert hidden == 0
if total >= 1:
    last = str(total - 1)  # only the last GPU: inside the new process it is cuda:0
    print(f"with CUDA_VISIBLE_DEVICES={last}: {gpus_seen(last)} GPU(s), addressed as cuda:0")
    assert gpus_seen(last) == 1
