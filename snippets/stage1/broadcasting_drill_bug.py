# exercise added by this site (lesson 1.4): find the bug, a (3,) prediction against a (3, 1) target
import warnings

import matplotlib.pyplot as plt
import torch

predictions = torch.tensor([1.0, 2.0, 3.0])   # shape (3,): what a model.squeeze(1) gives
targets = torch.tensor([[1.0], [2.0], [4.0]])  # shape (3, 1): how the labels were loaded

# The bug: no error, a plausible number, and the wrong one
difference = predictions - targets
buggy_mse = (difference ** 2).mean()
print("predictions - targets has shape", tuple(difference.shape))
print(f"buggy MSE: {buggy_mse.item():.4f}")
assert difference.shape == (3, 3)  # every prediction against every target

# nn.functional.mse_loss at least warns about it
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    torch.nn.functional.mse_loss(predictions, targets)
assert any("different to the input size" in str(w.message) for w in caught)
print("mse_loss warns:", str(caught[0].message)[:70], "...")

# The fix: make the shapes equal before subtracting
fixed_targets = targets.squeeze(1)              # (3, 1) -> (3,)
mse = ((predictions - fixed_targets) ** 2).mean()
print(f"fixed MSE: {mse.item():.4f}  (only the last prediction is off, by 1: 1/3)")
assert (predictions - fixed_targets).shape == (3,)
torch.testing.assert_close(mse, torch.tensor(1 / 3))
assert not torch.isclose(buggy_mse, mse)

fig, axes = plt.subplots(1, 2, figsize=(8, 3.2), gridspec_kw={"width_ratios": [3, 1.2]})
for ax, values, title in [(axes[0], difference, "bug: (3,) - (3, 1) -> (3, 3)"),
                          (axes[1], (predictions - fixed_targets)[:, None], "fix: (3,) - (3,) -> (3,)")]:
    ax.imshow(values, cmap="coolwarm", vmin=-3, vmax=3)
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            ax.text(j, i, f"{values[i, j].item():g}", ha="center", va="center")
    ax.set_title(title, fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
fig.suptitle("A silent broadcast: every prediction is compared with every target")
plt.tight_layout()
plt.show()
