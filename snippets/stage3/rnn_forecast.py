# Sequence prediction: forecasting a noisy seasonal series with RNN, LSTM and GRU against a naive baseline
import math

import matplotlib.pyplot as plt
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

# A generated "sensor" series: a slow cycle (period 50), a faster one (period 12) and noise.
t = torch.arange(1200, dtype=torch.float32)
series = torch.sin(2 * math.pi * t / 50) + 0.5 * torch.sin(2 * math.pi * t / 12) + 0.1 * torch.randn(len(t))

# Split by time: the model is tested on the future it never saw, never on shuffled points.
train_series, test_series = series[:1000], series[1000:]
WINDOW = 24  # each example: 24 past values -> the next value


def windows(s):
    x = torch.stack([s[i:i + WINDOW] for i in range(len(s) - WINDOW)])
    return x.unsqueeze(-1).to(device), s[WINDOW:].unsqueeze(-1).to(device)  # (n, WINDOW, 1), (n, 1)


X_train, y_train = windows(train_series)
X_test, y_test = windows(test_series)


class Forecaster(nn.Module):
    def __init__(self, cell, hidden_size=32):
        super().__init__()
        self.rnn = cell(input_size=1, hidden_size=hidden_size, batch_first=True)  # nn.RNN, nn.LSTM or nn.GRU
        self.head = nn.Linear(hidden_size, 1)

    def forward(self, x):
        out, _ = self.rnn(x)             # the same call for all three cells
        return self.head(out[:, -1])     # predict the next value from the last hidden state


def train(model, epochs=30, batch_size=64):
    optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
    for _ in range(epochs):
        order = torch.randperm(len(X_train), device=device)
        for start in range(0, len(X_train), batch_size):
            idx = order[start:start + batch_size]
            loss = F.mse_loss(model(X_train[idx]), y_train[idx])
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
    return model


# The baseline every forecast must beat: "tomorrow equals today" (repeat the last value).
naive_mse = F.mse_loss(X_test[:, -1], y_test).item()
results = {}
for name, cell in [("RNN", nn.RNN), ("LSTM", nn.LSTM), ("GRU", nn.GRU)]:
    torch.manual_seed(0)
    model = train(Forecaster(cell).to(device)).eval()
    with torch.no_grad():
        mse = F.mse_loss(model(X_test), y_test).item()
    results[name] = (model, sum(p.numel() for p in model.rnn.parameters()), mse)

print(f"{'model':<7} {'recurrent parameters':>20} {'test MSE (next step)':>21}")
print(f"{'naive':<7} {0:>20} {naive_mse:>21.4f}")
for name, (_, n_params, mse) in results.items():
    print(f"{name:<7} {n_params:>20,} {mse:>21.4f}")

# An LSTM has 4 weight blocks per step (3 gates + the candidate), a GRU 3 (2 gates + the candidate),
# a plain RNN 1: with the same sizes their parameter counts are exactly 4:3:1.
n_rnn, n_lstm, n_gru = (results[k][1] for k in ("RNN", "LSTM", "GRU"))
assert n_lstm == 4 * n_rnn and n_gru == 3 * n_rnn
# All three learn the pattern: each forecast error is under half the naive baseline's.
for name, (_, _, mse) in results.items():
    assert mse < 0.5 * naive_mse, (name, mse, naive_mse)
print(f"every model's error is below half the naive baseline's ({naive_mse:.4f})")

# Forecast 60 steps ahead by feeding each prediction back as the next input (no true values used).
model = results["LSTM"][0]
history = test_series[:WINDOW].tolist()
with torch.no_grad():
    for _ in range(60):
        x = torch.tensor(history[-WINDOW:], device=device).view(1, WINDOW, 1)
        history.append(model(x).item())
forecast = torch.tensor(history[WINDOW:])
truth = test_series[WINDOW:WINDOW + 60]
mae = (forecast - truth).abs().mean().item()
print(f"60-step LSTM forecast: mean absolute error {mae:.3f} (the series' standard deviation: {test_series.std():.3f})")
assert mae < 0.25 * test_series.std()  # the rollout stays close to the truth, errors feeding on errors

fig, ax = plt.subplots(figsize=(8, 3.5))
steps = range(1000, 1000 + WINDOW + 60)
ax.plot(steps, test_series[:WINDOW + 60], color="0.6", label="true series")
ax.plot(range(1000 + WINDOW, 1000 + WINDOW + 60), forecast, color="tab:red", label="LSTM forecast (60 steps)")
ax.axvline(1000 + WINDOW, color="0.3", linestyle="--", linewidth=1)
ax.set(title="LSTM forecast vs the true series", xlabel="time step", ylabel="value")
ax.legend(loc="lower left")
plt.tight_layout()
plt.show()
