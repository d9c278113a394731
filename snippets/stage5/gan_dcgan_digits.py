# roadmap 5.4: train a DCGAN on real handwritten digits and check that its samples look like digits
import matplotlib.pyplot as plt
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

# --- Data: 1,797 real 8x8 digits, upscaled to 16x16 and scaled to [-1, 1] like the Tanh output ---
digits = load_digits()
images = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0
images = F.interpolate(images, size=16, mode="bilinear", align_corners=False) * 2 - 1
labels = torch.tensor(digits.target)
loader = DataLoader(TensorDataset(images), batch_size=64, shuffle=True, drop_last=True)
print(f"real images: {tuple(images.shape)}, range [{images.min():.0f}, {images.max():.0f}]")

nz, ngf, ndf, nc = 32, 16, 16, 1


# The roadmap's DCGAN, shortened for 16x16 images: 1 -> 4 -> 8 -> 16 (two upsampling blocks
# instead of four) and 16 -> 8 -> 4 -> 1, with narrower layers. Same recipe: strided
# (transposed) convolutions, BatchNorm, ReLU / LeakyReLU, Tanh and Sigmoid outputs.
class Generator(nn.Module):
    def __init__(self, nz, ngf, nc):
        super().__init__()
        self.main = nn.Sequential(
            nn.ConvTranspose2d(nz, ngf * 4, 4, 1, 0, bias=False),   # 1x1 -> 4x4
            nn.BatchNorm2d(ngf * 4),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False),  # -> 8x8
            nn.BatchNorm2d(ngf * 2),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 2, nc, 4, 2, 1, bias=False),  # -> 16x16
            nn.Tanh(),
        )

    def forward(self, input):
        return self.main(input)


class Discriminator(nn.Module):
    def __init__(self, nc, ndf):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(nc, ndf, 4, 2, 1, bias=False),          # 16x16 -> 8x8
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False),     # -> 4x4
            nn.BatchNorm2d(ndf * 2),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf * 2, 1, 4, 1, 0, bias=False),       # -> 1x1
            nn.Sigmoid(),
        )

    def forward(self, input):
        return self.main(input)


def dcgan_init(module):
    # The DCGAN paper initialises weights from N(0, 0.02) and BatchNorm scales from N(1, 0.02).
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(module.weight, 0.0, 0.02)
    elif isinstance(module, nn.BatchNorm2d):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


netG = Generator(nz, ngf, nc).to(device).apply(dcgan_init)
netD = Discriminator(nc, ndf).to(device).apply(dcgan_init)
criterion = nn.BCELoss()
optG = torch.optim.Adam(netG.parameters(), lr=2e-3, betas=(0.5, 0.999))
optD = torch.optim.Adam(netD.parameters(), lr=2e-3, betas=(0.5, 0.999))
fixed_noise = torch.randn(32, nz, 1, 1, device=device)  # the same latents at every checkpoint

EPOCHS = 10
CHECKPOINTS = (1, 5, EPOCHS)
lossD_hist, lossG_hist, snapshots = [], [], {}
for epoch in range(1, EPOCHS + 1):
    for (real,) in loader:
        real = real.to(device)
        b = real.size(0)
        ones = torch.ones(b, device=device)
        zeros = torch.zeros(b, device=device)

        # 1) Discriminator: push D(real) -> 1 and D(G(z)) -> 0.
        fake = netG(torch.randn(b, nz, 1, 1, device=device))
        lossD = criterion(netD(real).view(-1), ones) + criterion(netD(fake.detach()).view(-1), zeros)
        optD.zero_grad()
        lossD.backward()
        optD.step()

        # 2) Generator: fool D, i.e. push D(G(z)) -> 1 (the "non-saturating" loss).
        lossG = criterion(netD(fake).view(-1), ones)
        optG.zero_grad()
        lossG.backward()
        optG.step()
        lossD_hist.append(lossD.item())
        lossG_hist.append(lossG.item())
    if epoch in CHECKPOINTS:
        netG.eval()
        with torch.no_grad():
            snapshots[epoch] = netG(fixed_noise).cpu()
        netG.train()
        print(f"epoch {epoch:>2}: loss_D {lossD.item():.3f}  loss_G {lossG.item():.3f}")

# --- Figures: samples from the same latents at three checkpoints, and the two losses --------
fig, axes = plt.subplots(len(CHECKPOINTS), 1, figsize=(8, 1.1 * len(CHECKPOINTS)))  # a row of 16 digits is 1:16
for ax, epoch in zip(axes, CHECKPOINTS):
    grid = snapshots[epoch][:16].squeeze(1)            # (16, 16, 16) -> one row of 16 images
    ax.imshow(torch.cat(list(grid), dim=1), cmap="gray_r", vmin=-1, vmax=1)
    ax.set_title(f"generated samples after epoch {epoch}")
    ax.axis("off")
plt.tight_layout()
plt.show()

plt.figure(figsize=(8, 4))
plt.plot(lossD_hist, label="discriminator", alpha=0.8)
plt.plot(lossG_hist, label="generator", alpha=0.8)
plt.title("DCGAN losses")
plt.xlabel("iteration")
plt.ylabel("BCE loss")
plt.legend()
plt.show()


# --- Are the samples digits? Ask a classifier trained on the real digits --------------------
# A plain 10-way classifier is often confidently wrong on images that are no digit at all, so it
# gets an 11th class, "not a digit", trained on uniform noise and on real digits with their
# pixels shuffled (same brightness, no shape).
NOT_A_DIGIT = 10


def shuffled_pixels(batch):
    flat = batch.flatten(1)
    return torch.stack([row[torch.randperm(row.numel())] for row in flat]).view_as(batch)


class DigitCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(32 * 4 * 4, 11),
        )

    def forward(self, x):
        return self.net(x)


perm = torch.randperm(len(images))
train_idx, test_idx = perm[:1500], perm[1500:]
# leak check: the held-out real images the classifier is scored on are not among its training images.
assert not {images[i].numpy().tobytes() for i in test_idx} & {images[i].numpy().tobytes() for i in train_idx}
junk = torch.cat([torch.rand(750, 1, 16, 16) * 2 - 1, shuffled_pixels(images[train_idx[:750]])])
clf_x = torch.cat([images[train_idx], junk])
clf_y = torch.cat([labels[train_idx], torch.full((len(junk),), NOT_A_DIGIT)])
classifier = DigitCNN().to(device)
opt = torch.optim.Adam(classifier.parameters(), lr=3e-3)
for epoch in range(8):
    for idx in torch.randperm(len(clf_x)).split(64):
        loss = F.cross_entropy(classifier(clf_x[idx].to(device)), clf_y[idx].to(device))
        opt.zero_grad()
        loss.backward()
        opt.step()
classifier.eval()


@torch.no_grad()
def recognized(batch, threshold=0.7):
    """Fraction of images called one digit (not 'not a digit') with probability >= threshold."""
    probs = F.softmax(classifier(batch.to(device)), dim=1)
    conf, pred = probs.max(1)
    ok = (conf >= threshold) & (pred != NOT_A_DIGIT)
    return ok.float().mean().item(), pred[ok].cpu()


with torch.no_grad():
    real_acc = (classifier(images[test_idx].to(device)).argmax(1).cpu() == labels[test_idx]).float().mean().item()
    netG.eval()
    generated = netG(torch.randn(500, nz, 1, 1, device=device)).cpu()

rows = {
    "real (held out)": images[test_idx],
    "generated": generated,
    "uniform noise": torch.rand(500, 1, 16, 16) * 2 - 1,
    "shuffled digits": shuffled_pixels(images[test_idx]),
}
fractions = {name: recognized(batch) for name, batch in rows.items()}
print(f"\nclassifier accuracy on held-out real digits: {real_acc:.3f}")
print(f"{'images':<18} {'recognized as a digit with p >= 0.7':>36}")
for name, (fraction, _) in fractions.items():
    print(f"{name:<18} {fraction:>36.1%}")
gen_frac, gen_pred = fractions["generated"]
print("digits among recognized generated samples:", torch.bincount(gen_pred, minlength=10).tolist())

assert real_acc >= 0.93
assert fractions["real (held out)"][0] >= 0.9, fractions  # the check passes real digits it never saw...
assert gen_frac >= 0.6, gen_frac                               # most samples are recognizable digits...
assert fractions["uniform noise"][0] <= 0.05, fractions        # ...while the same check rejects noise
assert fractions["shuffled digits"][0] <= 0.05, fractions
assert (torch.bincount(gen_pred, minlength=10) > 0).sum() >= 8  # and they are not one digit over and over
