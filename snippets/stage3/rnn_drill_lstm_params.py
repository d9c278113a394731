# exercise added by this site (lesson 3.3): the parameter count of nn.RNN, nn.LSTM and nn.GRU by hand
import torch
import torch.nn as nn

torch.manual_seed(0)

input_size, hidden_size = 10, 20


def by_hand(gates, n_in, h):
    # Per gate block: W_ih (h x n_in), W_hh (h x h), and two bias vectors b_ih and b_hh (PyTorch keeps both).
    return gates * (h * (n_in + h) + 2 * h)


lstm = nn.LSTM(input_size, hidden_size)
for name, p in lstm.named_parameters():
    print(f"{name:<13} {tuple(p.shape)}")  # the 4 gate blocks are stacked: 4 * 20 = 80 rows
n_lstm = sum(p.numel() for p in lstm.parameters())
print(f"LSTM(10, 20): {n_lstm} parameters, by hand 4 * (20 * (10 + 20) + 2 * 20) = {by_hand(4, 10, 20)}")
assert n_lstm == by_hand(4, input_size, hidden_size) == 2560

# One block for a plain RNN, three for a GRU (reset, update, candidate), four for an LSTM.
assert sum(p.numel() for p in nn.RNN(input_size, hidden_size).parameters()) == by_hand(1, 10, 20)
assert sum(p.numel() for p in nn.GRU(input_size, hidden_size).parameters()) == by_hand(3, 10, 20)

# Two layers: the second layer's input is the first layer's output (hidden_size features).
two_layers = sum(p.numel() for p in nn.LSTM(input_size, hidden_size, num_layers=2).parameters())
assert two_layers == by_hand(4, 10, 20) + by_hand(4, 20, 20) == 5920
# Bidirectional: a second set of weights per layer, for the backward direction.
bi = sum(p.numel() for p in nn.LSTM(input_size, hidden_size, bidirectional=True).parameters())
assert bi == 2 * by_hand(4, 10, 20)
print(f"2 layers: {two_layers}; bidirectional: {bi}")
