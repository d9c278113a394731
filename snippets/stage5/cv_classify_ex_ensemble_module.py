# exercise added by this site (lesson 5.1): an ensemble as one nn.Module that averages its members' softmax
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

digits = load_digits()
X_train, X_test, y_train, y_test = train_test_split(
    torch.tensor(digits.data, dtype=torch.float32) / 16.0, torch.tensor(digits.target),
    test_size=0.4, stratify=digits.target, random_state=0)
# leak check: no test image is a training image, pixel for pixel.
assert not {x.numpy().tobytes() for x in X_test} & {x.numpy().tobytes() for x in X_train}
X_train, X_test, y_train, y_test = X_train.to(device), X_test.to(device), y_train.to(device), y_test.to(device)


class Ensemble(nn.Module):
    """One module, so it can be saved, exported to ONNX or served like any single model."""

    def __init__(self, members):
        super().__init__()
        self.members = nn.ModuleList(members)  # registers the members' parameters

    def forward(self, x):
        return torch.stack([F.softmax(m(x), dim=1) for m in self.members]).mean(0)  # probabilities


def train_member(seed, steps=150):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10)).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(steps):
        batch = torch.randint(len(X_train), (64,), device=device)
        loss = F.cross_entropy(model(X_train[batch]), y_train[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model.eval()


ensemble = Ensemble([train_member(seed) for seed in (1, 2, 3)]).eval()
with torch.no_grad():
    probs = ensemble(X_test)
    by_hand = sum(F.softmax(m(X_test), dim=1) for m in ensemble.members) / 3
    member_nll = [F.cross_entropy(m(X_test), y_test).item() for m in ensemble.members]
ensemble_nll = F.nll_loss(probs.log(), y_test).item()
accuracy = (probs.argmax(1) == y_test).float().mean().item()
print(f"parameters: {sum(p.numel() for p in ensemble.parameters())} (3 members)")
print(f"members' NLL {[round(n, 3) for n in member_nll]}, ensemble NLL {ensemble_nll:.3f}, accuracy {accuracy:.3f}")

torch.testing.assert_close(probs, by_hand)                   # the module computes exactly the average
torch.testing.assert_close(probs.sum(1), torch.ones(len(X_test), device=device))  # still probabilities
assert ensemble_nll <= sum(member_nll) / 3                   # Jensen: never worse than the mean member
assert accuracy >= 0.9, accuracy
# Saved and reloaded as one state_dict, like any model.
torch.save(ensemble.state_dict(), "ensemble.pt")
copy = Ensemble([nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10)) for _ in range(3)]).to(device).eval()
copy.load_state_dict(torch.load("ensemble.pt", weights_only=True))
with torch.no_grad():
    torch.testing.assert_close(copy(X_test), probs)
print("saved and reloaded: same predictions")
