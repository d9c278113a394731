# exercise added by this site (lesson 4.3): find the bug: choosing the checkpoint on the test set
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

digits = load_digits()
images = torch.tensor(digits.data, dtype=torch.float32) / 16.0
labels = torch.tensor(digits.target)
order = torch.randperm(len(images))
train_x, train_y = images[order[:150]].to(device), labels[order[:150]].to(device)
val_x, val_y = images[order[150:300]].to(device), labels[order[150:300]].to(device)
held_out_x, held_out_y = images[order[300:]].to(device), labels[order[300:]].to(device)  # test + new data
# leak check: training, validation and held-out digits share no digit, pixel for pixel (no exact duplicates).
parts = [{tuple(r) for r in part.tolist()} for part in (train_x, val_x, held_out_x)]
assert sum(len(p) for p in parts) == len(set().union(*parts))

# 60 candidate checkpoints: 3 training runs, 20 epochs each. For each checkpoint keep its validation
# accuracy and which held-out digits it gets right.
val_acc, correct = [], []
for seed in range(3):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10)).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for epoch in range(20):
        for batch in torch.randperm(len(train_x), device=device).split(30):
            loss = F.cross_entropy(model(train_x[batch]), train_y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        with torch.no_grad():
            val_acc.append((model(val_x).argmax(1) == val_y).float().mean().item())
            correct.append((model(held_out_x).argmax(1) == held_out_y).float())
val_acc, correct = torch.tensor(val_acc), torch.stack(correct)  # (60,), (60, 1497)

# Repeat the experiment on 200 random test sets of 60 digits; the other held-out digits are "new data"
generator = torch.Generator().manual_seed(0)
optimism = {"test (the bug)": [], "validation (the fix)": []}
for _ in range(200):
    perm = torch.randperm(correct.shape[1], generator=generator).to(device)
    test_acc, new_acc = correct[:, perm[:60]].mean(1), correct[:, perm[60:]].mean(1)
    by_test = test_acc.argmax()  # the bug: the checkpoint with the best test score
    by_val = val_acc.argmax()  # the fix: the best validation score, then test it once
    optimism["test (the bug)"].append((test_acc[by_test] - new_acc[by_test]).item())
    optimism["validation (the fix)"].append((test_acc[by_val] - new_acc[by_val]).item())

print("reported test accuracy minus accuracy on new data, mean of 200 test sets:")
for name, values in optimism.items():
    print(f"  selected on {name:<22}{sum(values) / len(values):+.3f}")
bug = sum(optimism["test (the bug)"]) / 200
fix = sum(optimism["validation (the fix)"]) / 200
assert bug > 0.02  # the bug's report promises more than the chosen model delivers
assert abs(fix) < 0.01  # the fix's test score was not used to choose: an honest estimate
