# exercise added by this site (lesson 3.1): state_dict keys and parameter count of a nested module, by hand
import torch
import torch.nn as nn

torch.manual_seed(0)


class Block(nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.fc = nn.Linear(n_in, n_out)
        self.bn = nn.BatchNorm1d(n_out)

    def forward(self, x):
        return torch.relu(self.bn(self.fc(x)))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.Sequential(Block(8, 16), Block(16, 16))
        self.head = nn.Linear(16, 3)

    def forward(self, x):
        return self.head(self.blocks(x))


model = Net()

# By hand: a key is the path of attribute names, Sequential children are named 0, 1, ...
# Linear has weight and bias; BatchNorm1d has weight and bias (parameters) and running_mean,
# running_var and num_batches_tracked (buffers).
expected_keys = []
for i in range(2):
    expected_keys += [f"blocks.{i}.fc.weight", f"blocks.{i}.fc.bias"]
    expected_keys += [f"blocks.{i}.bn.{name}" for name in
                      ("weight", "bias", "running_mean", "running_var", "num_batches_tracked")]
expected_keys += ["head.weight", "head.bias"]
print("\n".join(model.state_dict().keys()))
assert list(model.state_dict().keys()) == expected_keys

# Parameters by hand: Linear(n_in, n_out) has n_in*n_out + n_out, BatchNorm1d(n) has 2n (the buffers do not count).
by_hand = (8 * 16 + 16) + 2 * 16 + (16 * 16 + 16) + 2 * 16 + (16 * 3 + 3)
n_params = sum(p.numel() for p in model.parameters())
n_state = sum(t.numel() for t in model.state_dict().values())
print(f"\nparameters: {n_params} (by hand: {by_hand}); numbers in the state_dict: {n_state}")
assert n_params == by_hand == 531
assert n_state == n_params + 2 * (16 + 16 + 1)  # + running_mean, running_var, num_batches_tracked per BatchNorm
