# exercise added by this site (lesson 4.2): pruning and dynamic quantization together
import io
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.nn.utils.prune as prune
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

warnings.filterwarnings("ignore", message=".*torch.ao.quantization is deprecated")
warnings.filterwarnings("ignore", message=".*quantized tensor creation functions.*deprecated")
torch.manual_seed(0)
digits = load_digits()
x_train, x_test, y_train, y_test = train_test_split(
    digits.data / 16.0, digits.target, test_size=0.3, random_state=0, stratify=digits.target)
# leak check: no test digit is also a training digit, pixel for pixel (the digits have no exact duplicates,
# so no deduplication is needed; the same writers are on both sides all the same: no writer ids ship).
assert not {tuple(r) for r in x_test.tolist()} & {tuple(r) for r in x_train.tolist()}
x_train, x_test = torch.tensor(x_train, dtype=torch.float32), torch.tensor(x_test, dtype=torch.float32)
y_train, y_test = torch.tensor(y_train), torch.tensor(y_test)

model = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
for step in range(300):
    batch = torch.randint(len(x_train), (64,))
    loss = F.cross_entropy(model(x_train[batch]), y_train[batch])
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
model.eval()


def size_bytes(m):
    buffer = io.BytesIO()
    torch.save(m.state_dict(), buffer)
    return buffer.getbuffer().nbytes


def accuracy(m):
    with torch.no_grad():
        return (m(x_test).argmax(dim=1) == y_test).float().mean().item()


rows = [("dense float32", size_bytes(model), accuracy(model))]
linears = [(m, "weight") for m in model if isinstance(m, nn.Linear)]
prune.global_unstructured(linears, pruning_method=prune.L1Unstructured, amount=0.5)
for module, name in linears:
    prune.remove(module, name)
rows.append(("50% pruned float32", size_bytes(model), accuracy(model)))
quantized = torch.ao.quantization.quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)
rows.append(("pruned + int8", size_bytes(quantized), accuracy(quantized)))

print(f"{'model':<20}{'size':>11}{'test acc':>10}")
for name, size, acc in rows:
    print(f"{name:<20}{size:>9,} B{acc:>10.3f}")
# The zeros of unstructured pruning are still stored: only quantization shrinks the file.
assert abs(rows[1][1] - rows[0][1]) < 0.01 * rows[0][1]
assert rows[2][1] < 0.3 * rows[1][1]
assert rows[2][2] >= rows[1][2] - 0.02
