# exercise added by this site (lesson 4.4): scaled dot-product attention by hand, for 3 tokens
import math

import torch
import torch.nn.functional as F

torch.manual_seed(0)
q = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])  # 3 tokens, d_k = 2
k = torch.tensor([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]])
v = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])

scores = q @ k.T / math.sqrt(q.shape[-1])  # (3, 3): how well each query matches each key
weights = scores.softmax(dim=-1)  # each row sums to 1
output = weights @ v  # each output row: a weighted average of the value rows
print("weights:\n", weights.round(decimals=3))
print("output:\n", output.round(decimals=3))

# Token 0's query (1, 0) matches key 0 best (score 1/sqrt(2)), key 1 not at all (0), key 2 negatively
assert torch.allclose(scores[0], torch.tensor([1.0, 0.0, -1.0]) / math.sqrt(2))
assert weights[0].argmax() == 0 and torch.allclose(weights.sum(-1), torch.ones(3))
torch.testing.assert_close(output, F.scaled_dot_product_attention(q, k, v))  # PyTorch agrees
