# roadmap 3.1.3: saving and loading a model (state_dict vs the whole pickled model)
import pickle

import torch
import torch.nn as nn

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


class SimpleNet(nn.Module):
    def __init__(self, input_size, hidden_size, num_classes):
        super().__init__()
        self.fc1 = nn.Linear(input_size, hidden_size)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(hidden_size, num_classes)

    def forward(self, x):
        return self.fc2(self.relu(self.fc1(x)))


model = SimpleNet(784, 128, 10).to(device)
x = torch.randn(4, 784, device=device)
expected = model(x)

# 1. Recommended: save only the parameters (a dict of name -> tensor).
torch.save(model.state_dict(), "model_weights.pth")
print("state_dict keys:", list(model.state_dict().keys()))

restored = SimpleNet(784, 128, 10).to(device)  # build the architecture in code ...
restored.load_state_dict(torch.load("model_weights.pth", map_location=device))  # ... then fill in the weights
restored.eval()
torch.testing.assert_close(restored(x), expected)
print("state_dict round trip: outputs identical")

# 2. Saving the whole model pickles the Python object (class path included).
torch.save(model, "model.pth")

# Since PyTorch 2.6, torch.load defaults to weights_only=True: it only unpickles tensors and
# plain containers, because unpickling arbitrary objects can execute arbitrary code.
try:
    torch.load("model.pth")
    raise AssertionError("expected the default weights_only=True load to refuse a pickled model")
except pickle.UnpicklingError as err:
    first_sentence = str(err).split(".")[0]  # "Weights only load failed"
    print(f"torch.load('model.pth') -> {type(err).__name__}: {first_sentence}.")

# Opting out works, but only do this for files you created or fully trust.
whole = torch.load("model.pth", weights_only=False)
assert isinstance(whole, SimpleNet)
torch.testing.assert_close(whole(x), expected)
print("torch.load('model.pth', weights_only=False) -> SimpleNet, outputs identical")

# A state_dict file loads fine with the safe default.
assert isinstance(torch.load("model_weights.pth"), dict)
