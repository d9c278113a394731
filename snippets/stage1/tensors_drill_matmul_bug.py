# exercise added by this site (lesson 1.2): find the bug in a hand-written linear layer
import torch

torch.manual_seed(0)
x = torch.randn(16, 784)      # a batch of 16 flattened 28x28 images
W = torch.randn(10, 784)      # 10 classes x 784 inputs: stored (out, in), as nn.Linear stores it
b = torch.randn(10)

# The bug: W @ x puts W's inner size (784) against x's outer size (16)
try:
    logits = W @ x + b
except RuntimeError as error:
    message = str(error)
    print("W @ x:", message)
else:
    raise AssertionError("expected a shape error")
assert message == "mat1 and mat2 shapes cannot be multiplied (10x784 and 16x784)"

# The fix: one row per sample needs (16, 784) @ (784, 10); transpose W, not x
logits = x @ W.T + b
print("x @ W.T + b ->", tuple(logits.shape))
assert logits.shape == (16, 10)
# The same as PyTorch's own linear layer with these weights. Each logit is a sum of 784 products
# (up to about 70 here), and another matrix routine may add them in another order: the results agree
# to float32 rounding, not bit for bit, so compare within 1e-4 (a wrong answer is off by whole units)
close = dict(rtol=1e-4, atol=1e-4)
torch.testing.assert_close(logits, torch.nn.functional.linear(x, W, b), **close)

# A tempting wrong fix: W @ x.T runs, but gives (10, 16), classes by samples; its transpose is the answer
wrong_way_round = W @ x.T + b[:, None]
assert wrong_way_round.shape == (10, 16)
torch.testing.assert_close(wrong_way_round.T, logits, **close)
