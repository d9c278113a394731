# roadmap 3.1.1: a first nn.Module
import torch
import torch.nn as nn

torch.manual_seed(0)


class SimpleNet(nn.Module):
    def __init__(self, input_size, hidden_size, num_classes):
        # Always call the parent constructor first: it sets up the bookkeeping
        # that lets nn.Module find the layers you assign below.
        super().__init__()
        self.fc1 = nn.Linear(input_size, hidden_size)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(hidden_size, num_classes)

    def forward(self, x):
        # forward() only describes the computation; call model(x), never model.forward(x),
        # so that hooks and other nn.Module machinery run too.
        out = self.fc1(x)
        out = self.relu(out)
        out = self.fc2(out)
        return out


device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
model = SimpleNet(784, 128, 10).to(device)
print(model)

# Every layer assigned as an attribute is registered, so its parameters are found automatically.
print()
for name, param in model.named_parameters():
    print(f"{name:<11} {str(tuple(param.shape)):<11} requires_grad={param.requires_grad}")

num_params = sum(p.numel() for p in model.parameters())
print(f"\ntotal parameters: {num_params:,}")
assert num_params == 784 * 128 + 128 + 128 * 10 + 10

# A batch of 32 flattened 28x28 images gives 32 rows of 10 class scores (logits).
x = torch.randn(32, 784, device=device)
logits = model(x)
print(f"input {tuple(x.shape)} -> output {tuple(logits.shape)}")
assert logits.shape == (32, 10)


# Forgetting super().__init__() breaks layer registration immediately.
class Forgetful(nn.Module):
    def __init__(self):
        self.fc = nn.Linear(4, 2)  # no super().__init__() first


try:
    Forgetful()
    raise AssertionError("expected an error")
except AttributeError as err:
    print(f"without super().__init__(): AttributeError: {err}")
    assert "before Module.__init__() call" in str(err)
