# exercise added by this site (lesson 2.4): softmax, cross-entropy and its gradient by hand
import math

import torch
import torch.nn.functional as F

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

logits = [2.0, 0.5, -1.0]
target = 1

# By hand, with nothing but math.exp and math.log
exps = [math.exp(z) for z in logits]
probs = [e / sum(exps) for e in exps]
loss = -math.log(probs[target])
grad = [p - (1.0 if i == target else 0.0) for i, p in enumerate(probs)]
print("probabilities", [round(p, 4) for p in probs])
print(f"loss {loss:.4f}")
print("gradient p - y", [round(g, 4) for g in grad])

# Checked against PyTorch
z = torch.tensor([logits], device=device, requires_grad=True)
torch_loss = F.cross_entropy(z, torch.tensor([target], device=device))
torch_loss.backward()
assert abs(torch_loss.item() - loss) < 1e-5
assert torch.allclose(z.grad[0].cpu(), torch.tensor(grad), atol=1e-6)
assert abs(sum(grad)) < 1e-9  # the gradient always sums to zero: sum(p) = sum(y) = 1
print("matches F.cross_entropy and autograd")
