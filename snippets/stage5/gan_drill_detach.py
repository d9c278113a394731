# exercise added by this site (lesson 5.4): find the bug - the discriminator step without fake.detach()
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
G = nn.Sequential(nn.Linear(8, 16), nn.Tanh())
D = nn.Sequential(nn.Linear(16, 1), nn.Sigmoid())
real = torch.randn(32, 16)


def discriminator_loss(fake_input):
    return (F.binary_cross_entropy(D(real), torch.ones(32, 1))
            + F.binary_cross_entropy(D(fake_input), torch.zeros(32, 1)))


def generator_loss(fake):
    return F.binary_cross_entropy(D(fake), torch.ones(32, 1))


# Buggy: D's loss is backpropagated into G too. G receives gradients that push its fakes to be
# EASIER to reject, and backward() frees G's part of the graph, so the generator step then fails.
fake = G(torch.randn(32, 8))
discriminator_loss(fake).backward()
assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in G.parameters())
try:
    generator_loss(fake).backward()
    failed = False
except RuntimeError as error:  # "Trying to backward through the graph a second time"
    failed = "second time" in str(error)
assert failed
G.zero_grad(set_to_none=True)
D.zero_grad(set_to_none=True)

# Fixed: detach() cuts the graph at the fake images. The D step computes no gradient for G at all,
# and the same fakes can still be used for the generator step.
fake = G(torch.randn(32, 8))
discriminator_loss(fake.detach()).backward()
assert all(p.grad is None for p in G.parameters())
assert all(p.grad is not None for p in D.parameters())
generator_loss(fake).backward()
assert all(p.grad is not None for p in G.parameters())
print("with detach(): the D step leaves G alone, and the G step still works")
