"""Imported once by the warm worker (the fork server) before any snippet runs.

Every snippet process is forked from that worker, so it starts with these modules already
imported instead of paying several seconds to import torch again. Nothing here may run a torch
operation: OpenMP's thread pool does not survive fork().
"""

import os

# Headless and deterministic plotting in every child.
os.environ.setdefault("MPLBACKEND", "Agg")

import importlib

for _name in (
    "numpy",
    "torch",
    "torch.nn",
    "torch.optim",
    "torch.utils.data",
    "torchvision",
    "torchvision.transforms.v2",
    "matplotlib",
    "matplotlib.pyplot",
    "PIL.Image",
    "sklearn.datasets",
):
    try:
        importlib.import_module(_name)
    except Exception:  # a missing optional package only costs the snippet its own import
        pass
