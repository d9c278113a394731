# roadmap 3.3.1: a simple RNN that classifies noisy waveforms (sine / square / sawtooth)
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


class SimpleRNN(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers, num_classes):
        super().__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.rnn = nn.RNN(input_size, hidden_size, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size, num_classes)

    def forward(self, x):
        # x: (batch, seq_len, input_size)
        h0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size, device=x.device)
        out, _ = self.rnn(x, h0)
        # out: (batch, seq_len, hidden_size): the hidden state after every step.
        # The last step has seen the whole sequence, so it summarizes it.
        return self.fc(out[:, -1, :])


CLASSES = ["sine", "square", "sawtooth"]


def make_waves(n, seq_len=40):
    """Random frequency, phase and amplitude, plus noise: the RNN must recognize the *shape*."""
    labels = torch.randint(0, 3, (n,))
    t = torch.arange(seq_len).float()
    freq = torch.empty(n, 1).uniform_(0.05, 0.15)
    phase = torch.rand(n, 1) * 2 * math.pi
    amp = torch.empty(n, 1).uniform_(0.5, 1.5)
    angle = 2 * math.pi * freq * t + phase
    sine = torch.sin(angle)
    square = torch.sign(sine)
    sawtooth = 2 * ((angle / (2 * math.pi)) % 1.0) - 1
    waves = torch.stack([sine, square, sawtooth], 1)[torch.arange(n), labels]
    x = amp * waves + 0.1 * torch.randn(n, seq_len)
    return x.unsqueeze(-1), labels  # (n, seq_len, 1): one number per time step


# Fresh random waves for each split: validation to watch training, test for the final check only.
X_train, y_train = make_waves(2000)
X_val, y_val = make_waves(500)
X_test, y_test = make_waves(500)
X_train, y_train, X_val, y_val, X_test, y_test = (t.to(device) for t in (X_train, y_train, X_val, y_val, X_test, y_test))

model = SimpleRNN(input_size=1, hidden_size=32, num_layers=1, num_classes=3).to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
batch_size = 64
for epoch in range(16):
    model.train()
    order = torch.randperm(len(X_train), device=device)
    for start in range(0, len(X_train), batch_size):
        idx = order[start:start + batch_size]
        loss = F.cross_entropy(model(X_train[idx]), y_train[idx])
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)  # RNN gradients can explode: clip them
        optimizer.step()
    if (epoch + 1) % 4 == 0:
        model.eval()
        with torch.no_grad():
            val_acc = (model(X_val).argmax(1) == y_val).float().mean().item()
        print(f"epoch {epoch + 1:>2}: loss {loss.item():.3f}, validation accuracy {val_acc:.3f}")

model.eval()
with torch.no_grad():
    pred = model(X_test).argmax(1)
acc = (pred == y_test).float().mean().item()
print(f"test accuracy, measured once at the end: {acc:.3f}")
per_class = {name: (pred[y_test == i] == i).float().mean().item() for i, name in enumerate(CLASSES)}
print("per-class test accuracy:", ", ".join(f"{k} {v:.2f}" for k, v in per_class.items()))
assert acc >= 0.90
