# exercise added by this site (lesson 5.2): build the causal mask by hand and check what it does to attention
import torch
import torch.nn as nn

torch.manual_seed(0)
T = 5

# Position i may look at positions 0..i: everything above the diagonal is the future.
future = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
mask = torch.zeros(T, T).masked_fill(future, float("-inf"))
print(mask)

# PyTorch builds the same additive mask for nn.Transformer.
assert torch.equal(mask, nn.Transformer.generate_square_subsequent_mask(T))

scores = torch.randn(T, T)
weights = torch.softmax(scores + mask, dim=-1)
print(weights.round(decimals=2))
assert torch.all(weights[future] == 0)                  # no weight on the future
assert torch.allclose(weights.sum(dim=-1), torch.ones(T))  # each row is still a distribution
assert weights[0, 0] == 1                               # the first position can only look at itself
