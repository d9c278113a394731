# Selecting with boolean masks, where, gather and scatter
import torch

torch.manual_seed(0)
scores = torch.tensor([[0.25, 0.75, 0.5],        # values exact in float32, so == checks are safe
                       [0.625, 0.125, 0.875]])

# 1. A comparison gives a boolean mask; indexing with it picks the True elements (a 1-D copy)
mask = scores > 0.5
print("mask:\n", mask)
print("scores[mask] =", scores[mask].tolist())
assert scores[mask].tolist() == [0.75, 0.625, 0.875] and mask.sum().item() == 3
clipped = scores.clone()
clipped[~mask] = 0.0  # assigning through a mask writes in place
assert clipped.tolist() == [[0.0, 0.75, 0.0], [0.625, 0.0, 0.875]]

# 2. torch.where(condition, a, b): element-wise choice, keeps the shape
labels = torch.where(scores > 0.5, 1, 0)
print("where(scores > 0.5, 1, 0):", labels.tolist())
assert labels.tolist() == [[0, 1, 0], [1, 0, 1]]

# 3. gather: pick one element per row by index, e.g. the score of each sample's true class
targets = torch.tensor([1, 2])                        # class index per row
picked = scores.gather(dim=1, index=targets.unsqueeze(1)).squeeze(1)
print("gather(dim=1) with targets", targets.tolist(), "->", picked.tolist())
assert picked.tolist() == [0.75, 0.875]
assert torch.equal(picked, scores[torch.arange(2), targets])  # the same with advanced indexing

# 4. scatter: the inverse, write values at the given indices (here: one-hot encoding)
one_hot = torch.zeros(2, 3).scatter(dim=1, index=targets.unsqueeze(1), value=1.0)
print("scatter -> one-hot:", one_hot.tolist())
assert torch.equal(one_hot, torch.nn.functional.one_hot(targets, 3).float())
# scatter_add sums into buckets: count how often each class occurs
predicted = torch.tensor([2, 0, 2, 1, 2])
counts = torch.zeros(3, dtype=torch.long).scatter_add(0, predicted, torch.ones_like(predicted))
print("class counts with scatter_add:", counts.tolist())
assert torch.equal(counts, torch.bincount(predicted, minlength=3))
