# why the losses take logits: log-softmax inside CrossEntropyLoss, BCEWithLogitsLoss against sigmoid + BCELoss
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

# 1. Multi-class: very confident logits. The true class (1) has logit 0, the winner has 1000.
logits = torch.tensor([[1000.0, 0.0, -1000.0]], device=device)
target = torch.tensor([1], device=device)

naive = torch.exp(logits) / torch.exp(logits).sum()  # exp(1000) overflows float32 to inf
print("naive softmax           ", naive.tolist())
assert torch.isnan(naive[0, 0])  # inf / inf

# torch.softmax subtracts the max first (no overflow), but p[1] = exp(-1000) underflows to exactly 0
two_step = -torch.log(torch.softmax(logits, dim=1))[0, target]
print("-log(softmax(z))[1]     ", two_step.item())
assert torch.isinf(two_step)

# log-softmax with the log-sum-exp trick: log sum_j exp(z_j) = m + log sum_j exp(z_j - m), m = max z
m = logits.max()
log_probs = logits - (m + torch.log(torch.exp(logits - m).sum()))
print("log-sum-exp by hand     ", -log_probs[0, target].item())
print("F.cross_entropy(logits) ", F.cross_entropy(logits, target).item())
assert torch.allclose(log_probs, F.log_softmax(logits, dim=1))
assert F.cross_entropy(logits, target).item() == 1000.0  # exact, finite
assert torch.allclose(F.cross_entropy(logits, target), F.nll_loss(F.log_softmax(logits, dim=1), target))

# 2. Binary: a logit of 20 for an example whose label is 0 (a confident mistake).
# The true loss is log(1 + e^20) = 20.000000002 and its gradient w.r.t. the logit is sigmoid(20) - 0 = 1.
for value in [20.0, 200.0]:
    x = torch.tensor([value], device=device, requires_grad=True)
    y = torch.tensor([0.0], device=device)
    p = torch.sigmoid(x)  # rounds to exactly 1.0 in float32
    bce = nn.BCELoss()(p, y)  # log(1 - p) = log(0), clamped to -100
    bce.backward()
    grad_two_step = x.grad.item()

    x.grad = None
    with_logits = nn.BCEWithLogitsLoss()(x, y)
    with_logits.backward()
    print(f"logit {value:5.0f}: sigmoid = {p.item()}; sigmoid+BCELoss: loss {bce.item():.1f}, grad {grad_two_step}; "
          f"BCEWithLogitsLoss: loss {with_logits.item():.1f}, grad {x.grad.item()}")
    assert p.item() == 1.0  # saturated
    assert bce.item() == 100.0  # the clamp, whatever the logit
    assert grad_two_step == 0.0  # the mistake sends no gradient at all
    assert abs(with_logits.item() - value) < 1e-3 and x.grad.item() == 1.0  # exact loss, full gradient

# float32 sigmoid saturates early: already at 17 it is exactly 1.0
assert torch.sigmoid(torch.tensor(17.0)).item() == 1.0 and torch.sigmoid(torch.tensor(16.0)).item() < 1.0
print("sigmoid(17) == 1.0 in float32:", torch.sigmoid(torch.tensor(17.0)).item() == 1.0)
