# From a fully connected layer to a convolution: locality + weight sharing, checked on a real digit
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits

torch.manual_seed(0)

image = torch.tensor(load_digits().images[0], dtype=torch.float32) / 16.0   # one real 8x8 digit (a 0)
kernel = torch.randn(3, 3)
n, k = 8, 3
n_out = n - k + 1                                                            # 6: valid positions per side

# A fully connected layer from the 8x8 image to a 6x6 map: every output sees every pixel.
dense_weights = n_out * n_out * n * n                                        # 36 x 64 = 2,304
# Locality: output (i, j) only looks at the 3x3 window under it -> 9 weights per output.
local_weights = n_out * n_out * k * k                                        # 36 x 9 = 324
# Weight sharing: every output uses the SAME 9 weights -> one 3x3 kernel.
shared_weights = k * k
print(f"weights from 8x8 to 6x6: dense {dense_weights:,}, local {local_weights}, local + shared {shared_weights}")

# Build the dense matrix that locality + sharing leave over: row (i, j) holds the kernel at the
# window's pixels and zeros elsewhere. Multiplying by it IS the convolution.
W = torch.zeros(n_out * n_out, n * n)
for i in range(n_out):
    for j in range(n_out):
        placed = torch.zeros(n, n)
        placed[i:i + k, j:j + k] = kernel
        W[i * n_out + j] = placed.flatten()
as_dense = (W @ image.flatten()).view(n_out, n_out)
as_conv = F.conv2d(image.view(1, 1, n, n), kernel.view(1, 1, k, k))[0, 0]
assert torch.allclose(as_dense, as_conv, atol=1e-6)
assert (W != 0).sum() == local_weights                                       # only 324 of 2,304 entries are used
print("dense layer with local, shared weights == F.conv2d: True")

# Translation equivariance: shift the input, and the output shifts by the same amount.
# (Pad first so the shifted digit does not fall off the edge.)
canvas = F.pad(image, (3, 3, 3, 3)).view(1, 1, 14, 14)
shifted = torch.roll(canvas, shifts=(2, 1), dims=(2, 3))                     # 2 down, 1 right
out, out_of_shifted = (F.conv2d(x, kernel.view(1, 1, k, k), padding=1) for x in (canvas, shifted))
assert torch.allclose(torch.roll(out, shifts=(2, 1), dims=(2, 3)), out_of_shifted, atol=1e-6)
print("conv(shift(x)) == shift(conv(x)): True")

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.6), gridspec_kw={"width_ratios": [1.6, 1]})
limit = W.abs().max()
ax1.imshow(W, cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
ax1.set(title="The 36×64 dense matrix that equals a 3×3 convolution", xlabel="input pixel (8×8, flattened)",
        ylabel="output position (6×6, flattened)")
bars = ax2.bar(["dense", "local", "local + shared"], [dense_weights, local_weights, shared_weights],
               color=["tab:gray", "tab:orange", "tab:blue"])
ax2.bar_label(bars, fmt="{:,.0f}")
ax2.set_yscale("log")
ax2.set(title="Weights from 8×8 to 6×6", ylabel="weights (log scale)")
fig.suptitle("Locality and weight sharing turn a dense layer into a convolution", fontsize=11)
plt.tight_layout()
plt.show()
