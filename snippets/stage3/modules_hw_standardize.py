# exercise added by this site (lesson 3.1): a Standardize module whose statistics are buffers
import torch
import torch.nn as nn

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


class Standardize(nn.Module):
    def __init__(self, mean, std):
        super().__init__()
        # Buffers are saved in state_dict() and moved by .to(device), but they are not parameters:
        # parameters() skips them, so no optimizer ever updates them.
        self.register_buffer("mean", mean.clone())
        self.register_buffer("std", std.clone())

    def forward(self, x):
        return (x - self.mean) / self.std


data = torch.randn(500, 4) * torch.tensor([1.0, 10.0, 0.1, 5.0]) + torch.tensor([3.0, -20.0, 0.5, 100.0])
mean, std = data.mean(0), data.std(0)

model = nn.Sequential(Standardize(mean, std), nn.Linear(4, 2)).to(device)
print("parameters:", [name for name, _ in model.named_parameters()])
print("state_dict:", list(model.state_dict().keys()))
assert [name for name, _ in model.named_parameters()] == ["1.weight", "1.bias"]
assert {"0.mean", "0.std"} <= set(model.state_dict())
assert model[0].mean.device == next(model.parameters()).device  # moved by .to(device) with the rest

# The same output as standardizing by hand and then applying the linear layer.
x = data[:8].to(device)
by_hand = model[1]((x - mean.to(device)) / std.to(device))
torch.testing.assert_close(model(x), by_hand)

# The statistics travel with the weights: a fresh model (with different statistics) loads them.
torch.save(model.state_dict(), "standardized_model.pth")
fresh = nn.Sequential(Standardize(torch.zeros(4), torch.ones(4)), nn.Linear(4, 2)).to(device)
fresh.load_state_dict(torch.load("standardized_model.pth", map_location=device))
torch.testing.assert_close(fresh(x), model(x))
print("buffers saved, reloaded and applied: outputs identical")

# An optimizer step changes the linear layer, never the statistics.
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
loss = model(x).pow(2).mean()
loss.backward()
optimizer.step()
assert torch.equal(model[0].mean.cpu(), mean) and torch.equal(model[0].std.cpu(), std)
print("after an optimizer step the buffers are unchanged")
