# Several input and output channels: each filter spans every input channel and sums over them
import matplotlib.pyplot as plt
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

x = torch.randint(0, 4, (3, 5, 5)).float()              # an input with 3 channels (think R, G, B) of 5x5
conv = nn.Conv2d(in_channels=3, out_channels=2, kernel_size=3)
with torch.no_grad():                                   # small integer weights: easy to follow by eye
    conv.weight.copy_(torch.randint(-1, 2, conv.weight.shape).float())
    conv.bias.copy_(torch.tensor([1.0, -2.0]))
print(f"weight shape (out, in, kH, kW): {tuple(conv.weight.shape)}, bias shape: {tuple(conv.bias.shape)}")
assert conv.weight.shape == (2, 3, 3, 3)
assert sum(p.numel() for p in conv.parameters()) == 2 * 3 * 3 * 3 + 2  # 56: 27 weights per filter, 1 bias

# By hand: filter f has one 3x3 slice per input channel. Correlate each channel with its slice,
# add the three partial maps, add the bias: that is output channel f.
partials = torch.stack([
    torch.stack([F.conv2d(x[c].view(1, 1, 5, 5), conv.weight[f, c].view(1, 1, 3, 3))[0, 0] for c in range(3)])
    for f in range(2)
]).detach()                                             # (filter, input channel, 3, 3)
by_hand = partials.sum(dim=1) + conv.bias.detach().view(2, 1, 1)
builtin = conv(x.unsqueeze(0))[0].detach()
assert torch.allclose(by_hand, builtin)
print("sum over input channels + bias == nn.Conv2d: True; output shape:", tuple(builtin.shape))


def show(ax, values, title, cmap):
    ax.imshow(values, cmap=cmap)
    low, high = values.min().item(), values.max().item()
    for r in range(values.shape[0]):
        for c in range(values.shape[1]):
            dark = (values[r, c].item() - low) > 0.6 * (high - low)   # white text on the darkest cells
            ax.text(c, r, f"{values[r, c]:.0f}", ha="center", va="center", fontsize=7,
                    color="white" if dark else "black")
    ax.set_title(title, fontsize=8)
    ax.set_xticks([])
    ax.set_yticks([])


fig, axes = plt.subplots(3, 4, figsize=(8, 6.4))
for c in range(3):
    show(axes[0, c], x[c], f"input channel {c}", "Greys")
axes[0, 3].axis("off")
for f in range(2):
    for c in range(3):
        show(axes[f + 1, c], partials[f, c], f"channel {c} * filter {f} slice {c}", "Oranges")
    show(axes[f + 1, 3], builtin[f], f"output {f} = sum + bias ({conv.bias[f].item():+.0f})", "Blues")
fig.suptitle("Conv2d(3, 2, 3): each filter sums over all 3 input channels; 2 filters give 2 output maps",
             fontsize=10)
plt.tight_layout()
plt.show()
