# exercise added by this site (lesson 4.1): find the bug: evaluating without model.eval()
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
train_x, train_y = images[order[:1200]].to(device), labels[order[:1200]].to(device)
test_x, test_y = images[order[1200:]].to(device), labels[order[1200:]].to(device)
# leak check: no test digit is also a training digit, pixel for pixel (the digits have no exact duplicates).
assert not {tuple(r) for r in test_x.tolist()} & {tuple(r) for r in train_x.tolist()}

# A head like the lesson's custom classifier: batch norm and dropout behave differently in train()
model = nn.Sequential(nn.Linear(64, 128), nn.BatchNorm1d(128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, 10)).to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
for step in range(150):
    batch = torch.randint(len(train_x), (64,), device=device)
    loss = F.cross_entropy(model(train_x[batch]), train_y[batch])
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


def predict(model, x):
    with torch.no_grad():
        return model(x)


# The bug: the model is still in train() mode (dropout on, batch norm uses the batch's statistics)
buggy_1, buggy_2 = predict(model, test_x), predict(model, test_x)
buggy_acc = (buggy_1.argmax(1) == test_y).float().mean().item()
try:
    predict(model, test_x[:1])  # batch norm cannot compute statistics from a single example
    single_image_fails = False
except ValueError as error:
    single_image_fails = True
    print(f"one image in train() mode: ValueError: {error}")

# The fix: eval() switches dropout off and batch norm to its running statistics
model.eval()
fixed_1, fixed_2 = predict(model, test_x), predict(model, test_x)
fixed_acc = (fixed_1.argmax(1) == test_y).float().mean().item()
print(f"train() mode: the same inputs give different logits: {not torch.equal(buggy_1, buggy_2)}; "
      f"accuracy {buggy_acc:.3f}")
print(f"eval() mode:  the same inputs give the same logits: {torch.equal(fixed_1, fixed_2)}; "
      f"accuracy {fixed_acc:.3f}")

assert not torch.equal(buggy_1, buggy_2) and single_image_fails  # the bug: random, and breaks on one image
assert torch.equal(fixed_1, fixed_2)  # the fix: deterministic ...
torch.testing.assert_close(predict(model, test_x[:1]), fixed_1[:1])  # ... and one image at a time works
assert fixed_acc >= 0.9
