# exercise added by this site (lesson 5.4): find the bug - the discriminator step without fake.detach()
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
G = nn.Sequential(nn.Linear(8, 16), nn.Tanh())
D = nn.Sequential(nn.Linear(16, 1), nn.Sigmoid())
real = torch.randn(32, 16)
fake = G(torch.randn(32, 8))


def discriminator_loss(fake_input):
    return (F.binary_cross_entropy(D(real), torch.ones(32, 1))
            + F.binary_cross_entropy(D(fake_input), torch.zeros(32, 1)))


# Buggy: the D loss is backpropagated into G, and G's gradient pushes G to make fakes EASIER to reject.
discriminator_loss(fake).backward(retain_graph=True)
assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in G.parameters())
G.zero_grad(set_to_none=True)
D.zero_grad(set_to_none=True)

# Fixed: detach() cuts the graph at the fake images; the D step computes no gradient for G at all.
discriminator_loss(fake.detach()).backward()
assert all(p.grad is None for p in G.parameters())
assert all(p.grad is not None for p in D.parameters())
print("with detach(): D has gradients, G has none")
