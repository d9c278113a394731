# logits -> softmax -> cross-entropy, and the gradient p - y checked with autograd
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

# One example, three classes. The model's raw outputs are the logits: any real numbers.
logits = torch.tensor([2.0, 1.0, -1.0], device=device, requires_grad=True)
target = torch.tensor(0, device=device)  # the true class

# softmax: exponentiate (everything becomes positive), then divide by the sum (they add up to 1)
probs = torch.exp(logits) / torch.exp(logits).sum()
assert torch.allclose(probs, F.softmax(logits, dim=0))
assert torch.isclose(probs.sum(), torch.tensor(1.0, device=device))

# cross-entropy with a one-hot target: minus the log of the probability of the true class
loss = -torch.log(probs[target])
assert torch.isclose(loss, F.cross_entropy(logits.unsqueeze(0), target.unsqueeze(0)))
print("logits       ", [round(v, 3) for v in logits.tolist()])
print("probabilities", [round(v, 3) for v in probs.tolist()])
print(f"loss = -log p[{target.item()}] = {loss.item():.4f}")

# The gradient of the loss w.r.t. the logits is p - y (y: the one-hot target)
loss.backward()
y = F.one_hot(target, num_classes=3).float()
by_formula = (probs - y).detach()
print("autograd grad", [round(v, 4) for v in logits.grad.tolist()])
print("p - y        ", [round(v, 4) for v in by_formula.tolist()])
assert torch.allclose(logits.grad, by_formula, atol=1e-6)

# The same holds for a batch: F.cross_entropy averages, so the gradient is (p - y) / batch size
batch_logits = torch.randn(8, 10, device=device, requires_grad=True)
batch_targets = torch.randint(0, 10, (8,), device=device)
F.cross_entropy(batch_logits, batch_targets).backward()
expected = (F.softmax(batch_logits, dim=1) - F.one_hot(batch_targets, 10).float()).detach() / 8
assert torch.allclose(batch_logits.grad, expected, atol=1e-6)
print("batch of 8: autograd matches (p - y) / 8")

# The picture: logits, the probabilities softmax makes of them, and the loss -log p
fig, axes = plt.subplots(1, 3, figsize=(9, 3.2))
classes = ["class 0 (true)", "class 1", "class 2"]
colors = ["tab:green", "tab:gray", "tab:gray"]
axes[0].bar(classes, logits.tolist(), color=colors)
axes[0].axhline(0, color="black", linewidth=0.8)
axes[0].set_title("logits (any real number)")
axes[1].bar(classes, probs.tolist(), color=colors)
axes[1].set_ylim(0, 1)
axes[1].set_title("softmax: probabilities, sum 1")
p = torch.linspace(0.01, 1, 200)
axes[2].plot(p, -torch.log(p), color="tab:blue")
axes[2].scatter([probs[0].item()], [loss.item()], color="tab:green", zorder=3, label="this example")
axes[2].set_xlabel("probability of the true class")
axes[2].set_ylabel("cross-entropy loss")
axes[2].set_title("loss = -log p(true class)")
axes[2].legend()
for ax in axes[:2]:
    ax.tick_params(axis="x", labelsize=8)
fig.suptitle("From logits to a loss")
fig.tight_layout()
plt.show()
