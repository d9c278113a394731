# exercise added by this site (lesson 2.2): balance an imbalanced dataset with WeightedRandomSampler
import torch
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset, WeightedRandomSampler

torch.manual_seed(0)
digits = load_digits()
X = torch.tensor(digits.data, dtype=torch.float32)
y = torch.tensor(digits.target)
# Make it imbalanced: keep every 0 but only 20 of each other digit
keep = torch.cat([(y == 0).nonzero().flatten()] + [(y == d).nonzero().flatten()[:20] for d in range(1, 10)])
X, y = X[keep], y[keep]
counts = torch.bincount(y, minlength=10)
print(f"class counts: {counts.tolist()} (zeros are {counts[0] / len(y):.0%} of the data)")

# Weight each sample by 1 / (size of its class): every class then has the same total weight
sample_weights = 1.0 / counts[y].double()
sampler = WeightedRandomSampler(sample_weights, num_samples=len(y), replacement=True,
                                generator=torch.Generator().manual_seed(0))
loader = DataLoader(TensorDataset(X, y), batch_size=64, sampler=sampler)  # sampler replaces shuffle=True
drawn = torch.cat([labels for _, labels in loader])
drawn_share = torch.bincount(drawn, minlength=10).double() / len(drawn)
print(f"share of each digit in one epoch of batches: {drawn_share.numpy().round(2)}")
assert counts[0] / len(y) > 0.45  # before: zeros dominate
assert (drawn_share - 0.1).abs().max() < 0.05  # after: every digit about 10%
