# roadmap 2.3.2: the six learning-rate schedulers, plotted as learning rate against epoch
import math

import matplotlib.pyplot as plt
import torch
from torch import optim
from torch.optim.lr_scheduler import (CosineAnnealingLR, ExponentialLR, MultiStepLR, OneCycleLR,
                                      ReduceLROnPlateau, StepLR)

BASE_LR = 0.1
NUM_EPOCHS = 200
STEPS_PER_EPOCH = 23  # len(train_loader) for 1,437 digits in batches of 64


def make_optimizer():
    # A scheduler only reads and writes optimizer.param_groups[i]["lr"], so one parameter is enough
    return optim.SGD([torch.zeros(1, requires_grad=True)], lr=BASE_LR)


def record(scheduler_factory, num_epochs=NUM_EPOCHS, metric=None):
    """Learning rate used in each epoch: read it, do the epoch's optimizer step, then step the scheduler."""
    optimizer = make_optimizer()
    scheduler = scheduler_factory(optimizer)
    lrs = []
    for epoch in range(num_epochs):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()  # (training would happen here)
        if metric is None:
            scheduler.step()
        else:
            scheduler.step(metric[epoch])  # ReduceLROnPlateau needs the monitored value
    return lrs


# A scripted validation loss: improves for 40 epochs, stalls for 25, then improves again
val_loss = [1.0 - 0.01 * min(epoch, 40) - 0.001 * max(0, epoch - 64) for epoch in range(NUM_EPOCHS)]

schedules = {
    "StepLR(step_size=30, gamma=0.1)": record(lambda opt: StepLR(opt, step_size=30, gamma=0.1)),
    "MultiStepLR(milestones=[30, 80], gamma=0.1)":
        record(lambda opt: MultiStepLR(opt, milestones=[30, 80], gamma=0.1)),
    "ExponentialLR(gamma=0.95)": record(lambda opt: ExponentialLR(opt, gamma=0.95)),
    "CosineAnnealingLR(T_max=200)": record(lambda opt: CosineAnnealingLR(opt, T_max=200)),
    "ReduceLROnPlateau(factor=0.1, patience=10)":
        record(lambda opt: ReduceLROnPlateau(opt, mode="min", factor=0.1, patience=10), metric=val_loss),
}

# OneCycleLR changes the learning rate after every BATCH, not every epoch
optimizer = make_optimizer()
one_cycle = OneCycleLR(optimizer, max_lr=0.1, steps_per_epoch=STEPS_PER_EPOCH, epochs=10)
one_cycle_lrs = []
for step in range(10 * STEPS_PER_EPOCH):
    one_cycle_lrs.append(optimizer.param_groups[0]["lr"])
    optimizer.step()
    one_cycle.step()

# Check a few values we can work out by hand
step_lr = schedules["StepLR(step_size=30, gamma=0.1)"]
assert math.isclose(step_lr[29], 0.1) and math.isclose(step_lr[30], 0.1 * 0.1)
assert math.isclose(step_lr[60], 0.1 * 0.1**2)
multi = schedules["MultiStepLR(milestones=[30, 80], gamma=0.1)"]
assert math.isclose(multi[79], 0.01) and math.isclose(multi[80], 0.001)
expo = schedules["ExponentialLR(gamma=0.95)"]
assert math.isclose(expo[10], 0.1 * 0.95**10)
cosine = schedules["CosineAnnealingLR(T_max=200)"]
assert math.isclose(cosine[100], 0.05)  # halfway down the cosine: half the base rate
plateau = schedules["ReduceLROnPlateau(factor=0.1, patience=10)"]
first_cut = next(epoch for epoch, lr in enumerate(plateau) if lr < BASE_LR)
# The loss last improves in epoch 40; after 11 bad epochs (more than patience=10), the step at the
# end of epoch 51 cuts the rate, so epoch 52 is the first to use it
assert first_cut == 40 + 11 + 1 and math.isclose(plateau[-1], 0.001)
peak = max(range(len(one_cycle_lrs)), key=one_cycle_lrs.__getitem__)
assert math.isclose(one_cycle_lrs[0], 0.1 / 25)  # starts at max_lr / div_factor
assert math.isclose(one_cycle_lrs[peak], 0.1, rel_tol=1e-3)  # peaks at max_lr ...
assert abs(peak / len(one_cycle_lrs) - 0.3) < 0.01  # ... 30% of the way through (pct_start)
assert one_cycle_lrs[-1] < one_cycle_lrs[0] / 1000  # and ends far below where it started

print(f"{'scheduler':<44}{'epoch 0':>9}{'epoch 30':>10}{'epoch 100':>11}{'epoch 199':>11}")
for name, lrs in schedules.items():
    print(f"{name:<44}{lrs[0]:>9.4g}{lrs[30]:>10.4g}{lrs[100]:>11.4g}{lrs[199]:>11.4g}")
print(f"ReduceLROnPlateau first cut the rate in epoch {first_cut}")
print(f"OneCycleLR: {one_cycle_lrs[0]:.4g} at the start, {one_cycle_lrs[peak]:.4g} at step {peak}, "
      f"{one_cycle_lrs[-1]:.2g} at the end")

fig, axes = plt.subplots(2, 3, figsize=(12, 6.5), sharey=True)
for ax, (name, lrs) in zip(axes.flat, schedules.items()):
    ax.plot(range(NUM_EPOCHS), lrs)
    ax.set_title(name, fontsize=9)
    ax.set_xlabel("epoch")
plateau_ax = axes.flat[4].twinx()
plateau_ax.plot(range(NUM_EPOCHS), val_loss, color="tab:gray", linestyle=":", label="val loss (scripted)")
plateau_ax.legend(loc="upper right", fontsize=8)
epochs = [step / STEPS_PER_EPOCH for step in range(len(one_cycle_lrs))]
axes.flat[5].plot(epochs, one_cycle_lrs, color="tab:red")
axes.flat[5].set_title("OneCycleLR(max_lr=0.1, epochs=10), per batch", fontsize=9)
axes.flat[5].set_xlabel("epoch")
for ax in axes[:, 0]:
    ax.set_ylabel("learning rate")
fig.suptitle("Learning-rate schedules (initial lr = 0.1)")
plt.tight_layout()
plt.show()

# All six on one chart. The x axis is the fraction of training, because OneCycleLR runs over
# 10 epochs (per batch) and the others over 200; the log scale shows the 10x cuts as equal steps.
fig, ax = plt.subplots(figsize=(8, 4.2))
for name, lrs in schedules.items():
    ax.plot([epoch / NUM_EPOCHS for epoch in range(NUM_EPOCHS)], lrs, label=name.split("(")[0])
ax.plot([step / len(one_cycle_lrs) for step in range(len(one_cycle_lrs))], one_cycle_lrs, label="OneCycleLR")
ax.set_yscale("log")
ax.set_xlabel("fraction of training")
ax.set_ylabel("learning rate (log scale)")
ax.set_title("Six learning-rate schedules from lr = 0.1, on one chart")
ax.legend(fontsize=8, ncol=2)
ax.grid(True, alpha=0.3)
plt.tight_layout()
plt.show()
