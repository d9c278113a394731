# exercise added by this site (lesson 1.4): a numerically stable softmax, written with broadcasting
import torch

torch.manual_seed(0)


def naive_softmax(x):
    exps = x.exp()
    return exps / exps.sum(dim=-1, keepdim=True)          # (..., n) / (..., 1)


def softmax(x):
    shifted = x - x.max(dim=-1, keepdim=True).values       # the largest entry of each row becomes 0
    exps = shifted.exp()                                   # so no exp can overflow
    return exps / exps.sum(dim=-1, keepdim=True)


logits = torch.randn(4, 5, 6)  # any leading shape: the softmax runs over the last dimension
torch.testing.assert_close(softmax(logits), torch.softmax(logits, dim=-1))
torch.testing.assert_close(naive_softmax(logits), torch.softmax(logits, dim=-1))

# Large logits: exp(1000) is inf in float32, and inf / inf is nan
large = torch.tensor([[1000.0, 999.0, 990.0]])
print("naive :", naive_softmax(large).tolist())
print("stable:", softmax(large).tolist())
assert torch.isnan(naive_softmax(large)).all()
torch.testing.assert_close(softmax(large), torch.softmax(large, dim=-1))
# Subtracting a constant from a row does not change its softmax: e^(x-c) / sum e^(x-c) = e^x / sum e^x
torch.testing.assert_close(softmax(logits - 3.0), softmax(logits))
# Without keepdim the division would align the row sums with the wrong dimension
try:
    logits.exp() / logits.exp().sum(dim=-1)   # (4, 5, 6) / (4, 5): 6 against 5
except RuntimeError:
    print("without keepdim=True: (4, 5, 6) / (4, 5) is a shape error")
else:
    raise AssertionError("expected a shape error")
