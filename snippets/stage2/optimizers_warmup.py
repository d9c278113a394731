# roadmap 2.3.3: learning-rate warmup, by hand and with the built-in LinearLR + SequentialLR
import math

import matplotlib.pyplot as plt
import torch
from torch import optim
from torch.optim.lr_scheduler import CosineAnnealingLR, LinearLR, SequentialLR

NUM_EPOCHS = 30
WARMUP_EPOCHS, BASE_LR, TARGET_LR = 5, 1e-6, 1e-3


class WarmupScheduler:
    """The roadmap's warmup, as written: a linear ramp from base_lr towards target_lr."""

    def __init__(self, optimizer, warmup_epochs, base_lr, target_lr):
        self.optimizer = optimizer
        self.warmup_epochs = warmup_epochs
        self.base_lr = base_lr
        self.target_lr = target_lr

    def step(self, epoch):
        if epoch < self.warmup_epochs:
            lr = self.base_lr + (self.target_lr - self.base_lr) * epoch / self.warmup_epochs
            for param_group in self.optimizer.param_groups:
                param_group["lr"] = lr


def make_optimizer():
    # Schedulers only touch optimizer.param_groups[i]["lr"]; one parameter is enough to watch them
    return optim.SGD([torch.zeros(1, requires_grad=True)], lr=TARGET_LR)


# 1. The hand-written scheduler: called at the START of each epoch with the epoch number
optimizer = make_optimizer()
warmup = WarmupScheduler(optimizer, warmup_epochs=WARMUP_EPOCHS, base_lr=BASE_LR, target_lr=TARGET_LR)
manual = []
for epoch in range(NUM_EPOCHS):
    warmup.step(epoch)
    manual.append(optimizer.param_groups[0]["lr"])
    optimizer.step()  # (training would happen here)

# 2. Built-in: LinearLR scales the optimizer's lr by a factor going linearly from start_factor to 1
optimizer = make_optimizer()
linear = LinearLR(optimizer, start_factor=BASE_LR / TARGET_LR, end_factor=1.0, total_iters=WARMUP_EPOCHS)
builtin = []
for epoch in range(NUM_EPOCHS):
    builtin.append(optimizer.param_groups[0]["lr"])
    optimizer.step()
    linear.step()  # built-in schedulers step at the END of each epoch

# 3. Warmup followed by cosine decay: SequentialLR hands over to the second scheduler at the milestone
optimizer = make_optimizer()
warmup_then_cosine = SequentialLR(
    optimizer,
    schedulers=[
        LinearLR(optimizer, start_factor=BASE_LR / TARGET_LR, total_iters=WARMUP_EPOCHS),
        CosineAnnealingLR(optimizer, T_max=NUM_EPOCHS - WARMUP_EPOCHS),
    ],
    milestones=[WARMUP_EPOCHS],
)
sequential = []
for epoch in range(NUM_EPOCHS):
    sequential.append(optimizer.param_groups[0]["lr"])
    optimizer.step()
    warmup_then_cosine.step()

print(f"{'epoch':>5}{'WarmupScheduler':>17}{'LinearLR':>11}{'LinearLR->Cosine':>18}")
for epoch in [0, 1, 2, 3, 4, 5, 6, 15, 29]:
    print(f"{epoch:>5}{manual[epoch]:>17.3e}{builtin[epoch]:>11.3e}{sequential[epoch]:>18.3e}")

# During warmup all three agree: base_lr + (target_lr - base_lr) * epoch / warmup_epochs
for epoch in range(WARMUP_EPOCHS):
    expected = BASE_LR + (TARGET_LR - BASE_LR) * epoch / WARMUP_EPOCHS
    assert math.isclose(manual[epoch], expected, rel_tol=1e-6)
    assert math.isclose(builtin[epoch], expected, rel_tol=1e-6)
    assert math.isclose(sequential[epoch], expected, rel_tol=1e-6)
# After warmup they differ: the hand-written one never sets target_lr, so it stays at the
# epoch-4 value (80% of the target); LinearLR reaches target_lr and stays there
assert all(math.isclose(lr, manual[WARMUP_EPOCHS - 1]) for lr in manual[WARMUP_EPOCHS:])
assert math.isclose(manual[-1], BASE_LR + (TARGET_LR - BASE_LR) * 4 / 5)
assert math.isclose((manual[-1] - BASE_LR) / (TARGET_LR - BASE_LR), 0.8)  # 80% of the way to the target
assert all(math.isclose(lr, TARGET_LR) for lr in builtin[WARMUP_EPOCHS:])
# The cosine phase starts at target_lr and decays from there
assert math.isclose(sequential[WARMUP_EPOCHS], TARGET_LR) and sequential[-1] < 0.01 * TARGET_LR
print("warmup phase: all three agree; afterwards the hand-written one stays at 80% of target_lr")

plt.figure(figsize=(8, 4))
plt.plot(manual, "o-", markersize=4, label="WarmupScheduler (roadmap, as written)")
plt.plot(builtin, "s--", markersize=3, label="LinearLR")
plt.plot(sequential, ".-", label="SequentialLR: LinearLR -> CosineAnnealingLR")
plt.axvline(WARMUP_EPOCHS, color="gray", linestyle=":", label="end of warmup")
plt.title("Learning-rate warmup over 5 epochs")
plt.xlabel("epoch")
plt.ylabel("learning rate")
plt.legend(fontsize=8)
plt.show()
