# exercise added by this site (lesson 5.4): a conditional DCGAN - the label goes into both networks
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
nz, num_classes = 32, 10


class Generator(nn.Module):
    """z (nz) and a one-hot label (10) are concatenated into one 42-channel 1x1 input."""

    def __init__(self, ngf=16):
        super().__init__()
        self.main = nn.Sequential(
            nn.ConvTranspose2d(nz + num_classes, ngf * 2, 4, 1, 0, bias=False), nn.BatchNorm2d(ngf * 2), nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf), nn.ReLU(True),
            nn.ConvTranspose2d(ngf, 1, 4, 2, 1, bias=False), nn.Tanh(),
        )

    def forward(self, z, labels):
        one_hot = F.one_hot(labels, num_classes).float()[:, :, None, None]
        return self.main(torch.cat([z, one_hot], dim=1))


class Discriminator(nn.Module):
    """The label arrives as 10 extra image channels, all ones in the channel of the true class."""

    def __init__(self, ndf=32):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(1 + num_classes, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, True),
            nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 2), nn.LeakyReLU(0.2, True),
            nn.Conv2d(ndf * 2, 1, 4, 1, 0, bias=False), nn.Sigmoid(),
        )

    def forward(self, images, labels):
        planes = F.one_hot(labels, num_classes).float()[:, :, None, None].expand(-1, -1, *images.shape[-2:])
        return self.main(torch.cat([images, planes], dim=1)).view(-1)


netG, netD = Generator().to(device).eval(), Discriminator().to(device).eval()
z = torch.randn(4, nz, 1, 1, device=device)
sevens, threes = torch.full((4,), 7, device=device), torch.full((4,), 3, device=device)
with torch.no_grad():
    fake_sevens, fake_threes = netG(z, sevens), netG(z, threes)
    scores = netD(fake_sevens, sevens)
print(f"generator: {tuple(z.shape)} + labels -> {tuple(fake_sevens.shape)}; discriminator -> {tuple(scores.shape)}")
assert fake_sevens.shape == (4, 1, 16, 16) and scores.shape == (4,)
assert ((scores > 0) & (scores < 1)).all()
# Same noise, different label, different image: the label really steers the generator.
difference = (fake_sevens - fake_threes).abs().mean().item()
print(f"mean pixel difference, same z with label 7 vs 3: {difference:.3f}")
assert difference > 1e-3  # far above float rounding (about 1e-7); untrained, so still small
