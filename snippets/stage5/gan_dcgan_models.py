# roadmap 5.4: the DCGAN generator and discriminator (64x64 images, as in the DCGAN paper)
import torch
import torch.nn as nn

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


class Generator(nn.Module):
    def __init__(self, nz, ngf, nc):
        super().__init__()
        # Each ConvTranspose2d(k=4, s=2, p=1) doubles the spatial size: 1 -> 4 -> 8 -> 16 -> 32 -> 64.
        self.main = nn.Sequential(
            nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, bias=False),
            nn.BatchNorm2d(ngf * 8),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 8, ngf * 4, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ngf * 4),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ngf * 2),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ngf),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False),
            nn.Tanh(),  # images live in [-1, 1]
        )

    def forward(self, input):
        return self.main(input)


class Discriminator(nn.Module):
    def __init__(self, nc, ndf):
        super().__init__()
        # The mirror image: each Conv2d(k=4, s=2, p=1) halves the size: 64 -> 32 -> 16 -> 8 -> 4 -> 1.
        self.main = nn.Sequential(
            nn.Conv2d(nc, ndf, 4, 2, 1, bias=False),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ndf * 2),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf * 2, ndf * 4, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ndf * 4),
            nn.LeakyReLU(0.2, inplace=True),
            # This fourth block is missing in the roadmap's version, which only fits 32x32 inputs.
            nn.Conv2d(ndf * 4, ndf * 8, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ndf * 8),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf * 8, 1, 4, 1, 0, bias=False),
            nn.Sigmoid(),  # probability that the input is real
        )

    def forward(self, input):
        return self.main(input)


nz, ngf, ndf, nc = 100, 64, 64, 3  # PyTorch's DCGAN tutorial's sizes for 64x64 RGB images (nz = 100 as in the paper)
netG = Generator(nz, ngf, nc).to(device)
netD = Discriminator(nc, ndf).to(device)

noise = torch.randn(8, nz, 1, 1, device=device)  # the latent vector is a 1x1 "image" with nz channels
fake = netG(noise)
score = netD(fake)
print(f"noise {tuple(noise.shape)} -> generator -> {tuple(fake.shape)} -> discriminator -> {tuple(score.shape)}")
print(f"generator:     {sum(p.numel() for p in netG.parameters()):>10,} parameters")
print(f"discriminator: {sum(p.numel() for p in netD.parameters()):>10,} parameters")

assert fake.shape == (8, nc, 64, 64)
assert score.shape == (8, 1, 1, 1)
assert fake.min() >= -1 and fake.max() <= 1      # Tanh output range
assert score.min() >= 0 and score.max() <= 1     # Sigmoid output range
