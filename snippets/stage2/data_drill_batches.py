# exercise added by this site (lesson 2.2): batches by hand, what a DataLoader will give you
import math

import torch
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

digits = load_digits()
dataset = TensorDataset(torch.tensor(digits.data, dtype=torch.float32), torch.tensor(digits.target))

# By hand first: 1,797 samples in batches of 64
n, batch_size = len(dataset), 64
full, rest = divmod(n, batch_size)
print(f"by hand: {full} full batches and one of {rest}; {math.ceil(n / batch_size)} batches, {full} with drop_last")

keep_last = DataLoader(dataset, batch_size=batch_size, shuffle=True, generator=torch.Generator().manual_seed(0))
drop_last = DataLoader(dataset, batch_size=batch_size, shuffle=True, drop_last=True,
                       generator=torch.Generator().manual_seed(0))
sizes = [len(labels) for _, labels in keep_last]
print(f"DataLoader: len = {len(keep_last)}, last batch {sizes[-1]}; drop_last: len = {len(drop_last)}")
assert len(keep_last) == math.ceil(n / batch_size) == 29 and sizes[-1] == rest == 5
assert len(drop_last) == full == 28
# One epoch with shuffle=True visits every sample exactly once, in a new order
seen = torch.cat([labels for _, labels in keep_last])
assert torch.equal(seen.sort().values, torch.tensor(digits.target).sort().values)
images, labels = next(iter(keep_last))
print(f"one batch: images {tuple(images.shape)}, labels {tuple(labels.shape)}, dtypes {images.dtype}, {labels.dtype}")
assert images.shape == (64, 64) and labels.dtype == torch.int64
