# exercise added by this site (lesson 5.1): which label does ImageFolder give each folder?
import pathlib
import tempfile

import numpy as np
from PIL import Image
from torchvision import datasets

root = pathlib.Path(tempfile.mkdtemp())
for name in ["cat", "dog", "2", "10"]:  # two named classes, two numbered ones
    (root / name).mkdir()
    Image.fromarray(np.zeros((8, 8), dtype=np.uint8)).save(root / name / "a.png")

dataset = datasets.ImageFolder(root)
print(dataset.class_to_idx)
# The folder names are sorted as strings, so "10" comes before "2" and digits before letters.
assert dataset.classes == ["10", "2", "cat", "dog"]
assert dataset.class_to_idx["10"] == 0 and dataset.class_to_idx["2"] == 1
# Safe numbered classes: zero-padded names ("02", "10") sort as the numbers do.
assert sorted(["02", "10"]) == ["02", "10"] and sorted(["2", "10"]) == ["10", "2"]
