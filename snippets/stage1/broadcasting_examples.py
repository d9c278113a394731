# roadmap 1.4: broadcasting in four everyday situations
import torch

torch.manual_seed(0)

# Example 1: a scalar is stretched to every element.
x = torch.tensor([1, 2, 3])
result = x + 10
print("[1, 2, 3] + 10 =", result.tolist())
assert result.tolist() == [11, 12, 13]

# Example 2: (3, 1) + (1, 4) -> (3, 4). Each size-1 dimension is repeated to match the other.
column = torch.tensor([[0.0], [10.0], [20.0]])  # (3, 1)
row = torch.tensor([[1.0, 2.0, 3.0, 4.0]])       # (1, 4)
table = column + row
print("(3, 1) + (1, 4) ->", tuple(table.shape), "\n", table)
assert table.shape == (3, 4) and table[2, 3] == 24

# Example 3: normalizing a batch of images per channel. mean and std have shape (1, 3, 1, 1),
# so one value per channel is applied to every image, row and column.
batch_data = torch.rand(32, 3, 224, 224)  # (batch, channels, height, width)
mean = torch.tensor([0.485, 0.456, 0.406]).reshape(1, 3, 1, 1)
std = torch.tensor([0.229, 0.224, 0.225]).reshape(1, 3, 1, 1)
normalized = (batch_data - mean) / std
print("normalized batch:", tuple(normalized.shape))
assert normalized.shape == batch_data.shape
assert torch.allclose(normalized[5, 1, 10, 20], (batch_data[5, 1, 10, 20] - 0.456) / 0.224)

# Example 4: a causal mask for attention. scores is (batch, seq, seq), the mask (seq, seq):
# the mask is broadcast over the batch. Position i may only look at positions <= i.
scores = torch.rand(8, 10, 10)
mask = torch.tril(torch.ones(10, 10))
masked_scores = scores.masked_fill(mask == 0, float("-inf"))
print("masked scores for sequence 0 (first 4x4):\n", masked_scores[0, :4, :4])
assert torch.isinf(masked_scores[:, 0, 1:]).all()              # row 0 sees only position 0
assert torch.equal(masked_scores[:, 9], scores[:, 9])           # the last row sees everything
# After a softmax, the masked positions get exactly zero weight.
weights = masked_scores.softmax(dim=-1)
assert torch.allclose(weights.sum(dim=-1), torch.ones(8, 10)) and weights[:, 0, 1:].eq(0).all()

# The warning on the page: broadcasting turns a shape bug into a silent (32, 32) result.
predictions, targets = torch.zeros(32), torch.zeros(32, 1)
print("(32,) - (32, 1) ->", tuple((predictions - targets).shape), "(no error)")
assert (predictions - targets).shape == (32, 32)
