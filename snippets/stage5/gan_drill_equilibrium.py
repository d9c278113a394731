# exercise added by this site (lesson 5.4): the discriminator loss when D cannot tell real from fake
import math

import torch
import torch.nn.functional as F

# At the game's equilibrium D outputs 1/2 for every image, real or fake.
d_real = torch.full((64,), 0.5)
d_fake = torch.full((64,), 0.5)
loss_d = F.binary_cross_entropy(d_real, torch.ones(64)) + F.binary_cross_entropy(d_fake, torch.zeros(64))
loss_g = F.binary_cross_entropy(d_fake, torch.ones(64))  # the non-saturating generator loss
print(f"loss_D = {loss_d:.4f} (2 ln 2 = {2 * math.log(2):.4f}), loss_G = {loss_g:.4f} (ln 2)")
assert abs(loss_d.item() - 2 * math.log(2)) < 1e-6
assert abs(loss_g.item() - math.log(2)) < 1e-6
