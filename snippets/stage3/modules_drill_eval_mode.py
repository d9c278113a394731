# exercise added by this site (lesson 3.1): find the bug; evaluating without model.eval()
import torch
import torch.nn as nn

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

model = nn.Sequential(nn.Linear(10, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Dropout(0.5), nn.Linear(32, 2)).to(device)
x = torch.randn(64, 10, device=device)
bn = model[1]


def predict_buggy(batch):
    with torch.no_grad():          # no_grad stops the graph, but the model is still in training mode
        return model(batch)


def predict_fixed(batch):
    model.eval()                   # the fix: dropout off, BatchNorm uses its running statistics
    with torch.no_grad():
        out = model(batch)
    model.train()                  # back to training mode for the next training step
    return out


# Bug 1: dropout is still active, so the same input gives different predictions.
a, b = predict_buggy(x), predict_buggy(x)
print("buggy: two predictions of the same batch equal?", torch.equal(a, b))
assert not torch.equal(a, b)

# Bug 2: BatchNorm normalizes with this batch's statistics and *updates* its running statistics:
# evaluating changes the model.
before = bn.running_mean.clone()
predict_buggy(x)
print("buggy: running_mean changed by evaluation?", not torch.equal(before, bn.running_mean))
assert not torch.equal(before, bn.running_mean)

# Bug 3: a batch of one cannot be normalized with its own statistics.
try:
    predict_buggy(x[:1])
    raise AssertionError("expected an error")
except ValueError as err:
    print(f"buggy: a batch of one -> ValueError: {err}")

# Fixed: deterministic, the model's state untouched, any batch size, and the prediction of one
# example does not depend on the rest of the batch.
before = bn.running_mean.clone()
a, b = predict_fixed(x), predict_fixed(x)
single = predict_fixed(x[:1])
assert torch.equal(a, b) and torch.equal(before, bn.running_mean)
torch.testing.assert_close(single, a[:1])
assert model.training  # predict_fixed restored training mode
print("fixed: same predictions twice, running_mean unchanged, a batch of one works and matches")
