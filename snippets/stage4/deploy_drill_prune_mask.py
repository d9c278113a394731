# exercise added by this site (lesson 4.2): what torch.nn.utils.prune really stores: a mask, not a smaller tensor
import io

import matplotlib.pyplot as plt
import torch
import torch.nn as nn
import torch.nn.utils.prune as prune

torch.manual_seed(0)
layer = nn.Linear(16, 8)


def saved_bytes(module):
    buffer = io.BytesIO()
    torch.save(module.state_dict(), buffer)
    return buffer.getbuffer().nbytes


dense_bytes, dense_shape = saved_bytes(layer), tuple(layer.weight.shape)
prune.l1_unstructured(layer, name="weight", amount=0.5)  # zero the half with the smallest |w|

# After pruning: the parameter is weight_orig, the mask is a buffer, and weight = weight_orig * weight_mask
names = sorted(name for name, _ in layer.named_parameters())
buffers = sorted(name for name, _ in layer.named_buffers())
print(f"parameters: {names}, buffers: {buffers}")
print(f"weight shape {tuple(layer.weight.shape)}, zeros {(layer.weight == 0).float().mean():.0%}")
print(f"saved bytes: dense {dense_bytes:,}, pruned {saved_bytes(layer):,}")
assert names == ["bias", "weight_orig"] and buffers == ["weight_mask"]
assert torch.equal(layer.weight, layer.weight_orig * layer.weight_mask)
assert tuple(layer.weight.shape) == dense_shape and (layer.weight == 0).sum() == layer.weight.numel() // 2
assert saved_bytes(layer) > dense_bytes  # original weights + mask: the file got bigger

mask = layer.weight_mask.clone()
prune.remove(layer, "weight")  # make it permanent: a plain parameter that contains zeros
print(f"after prune.remove: parameters {sorted(n for n, _ in layer.named_parameters())}, "
      f"saved bytes {saved_bytes(layer):,}")
assert sorted(n for n, _ in layer.named_parameters()) == ["bias", "weight"]
assert abs(saved_bytes(layer) - dense_bytes) < 0.05 * dense_bytes  # the same dense tensor: no bytes saved

figure, axes = plt.subplots(1, 2, figsize=(8, 3))
axes[0].imshow(mask, cmap="gray_r", vmin=0, vmax=1)
axes[0].set_title("weight_mask (black: kept)")
axes[1].imshow(layer.weight.detach(), cmap="coolwarm", vmin=-0.3, vmax=0.3)
axes[1].set_title("weight after prune.remove")
for ax in axes:
    ax.set_xlabel("input feature")
    ax.set_ylabel("output unit")
figure.suptitle("Pruning zeroes entries: the tensor keeps its shape")
figure.tight_layout()
plt.show()
