# exercise added by this site (lesson 4.3): what clip_grad_norm_ computes, checked by hand
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 3))
x, y = 100 * torch.randn(16, 10), torch.randint(3, (16,))  # large inputs: large gradients
F.cross_entropy(model(x), y).backward()

grads_before = [p.grad.clone() for p in model.parameters()]
# The *global* norm: all gradients of all parameters taken as one long vector
by_hand = torch.cat([g.flatten() for g in grads_before]).norm()

max_norm = 1.0
returned = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=max_norm)
after = torch.cat([p.grad.flatten() for p in model.parameters()]).norm()
print(f"global gradient norm by hand: {by_hand:.4f}, returned by clip_grad_norm_: {returned:.4f}")
print(f"norm after clipping: {after:.4f} (max_norm = {max_norm})")

torch.testing.assert_close(returned, by_hand)  # it returns the norm *before* clipping
assert by_hand > max_norm
torch.testing.assert_close(after, torch.tensor(max_norm), rtol=1e-4, atol=1e-4)  # rescaled to max_norm ...
for before, param in zip(grads_before, model.parameters()):
    torch.testing.assert_close(param.grad, before * (max_norm / by_hand), rtol=1e-4, atol=1e-6)  # ... by one factor
print("every gradient was multiplied by the same factor max_norm / norm: directions are unchanged")

# A gradient already below max_norm is left alone
small = [p.grad.clone() for p in model.parameters()]
torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=10.0)
assert all(torch.equal(s, p.grad) for s, p in zip(small, model.parameters()))
print("with max_norm = 10 (above the norm) the gradients are unchanged")
