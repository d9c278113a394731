# exercise added by this site (lesson 3.1): a custom layer built from nn.Parameter
import math

import torch
import torch.nn as nn

torch.manual_seed(0)


class MyLinear(nn.Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        # nn.Parameter marks a tensor as a learnable weight: it is registered on the module,
        # returned by parameters() and saved in state_dict().
        self.weight = nn.Parameter(torch.empty(out_features, in_features))
        self.bias = nn.Parameter(torch.zeros(out_features))
        # Same scale as nn.Linear's default: uniform in +-1/sqrt(fan_in).
        bound = 1 / math.sqrt(in_features)
        nn.init.uniform_(self.weight, -bound, bound)
        nn.init.uniform_(self.bias, -bound, bound)

    def forward(self, x):
        return x @ self.weight.T + self.bias


layer = MyLinear(20, 5)
reference = nn.Linear(20, 5)
reference.load_state_dict(layer.state_dict())  # same parameter names, so this just works

x = torch.randn(8, 20)
torch.testing.assert_close(layer(x), reference(x))
print("MyLinear(x) == nn.Linear(x) with the same weights")

names = [name for name, _ in layer.named_parameters()]
print("registered parameters:", names)
assert names == ["weight", "bias"]

# It trains like any other layer.
model = nn.Sequential(MyLinear(20, 16), nn.ReLU(), MyLinear(16, 1))
target = x.sum(1, keepdim=True)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
first_loss = None
for step in range(200):
    loss = nn.functional.mse_loss(model(x), target)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    first_loss = first_loss if first_loss is not None else loss.item()
print(f"training a model made of MyLinear layers: loss {first_loss:.3f} -> {loss.item():.5f}")
assert loss.item() < 0.01 * first_loss
