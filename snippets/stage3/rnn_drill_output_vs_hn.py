# exercise added by this site (lesson 3.3): which slices of a bidirectional LSTM's output are its h_n
import torch
import torch.nn as nn

torch.manual_seed(0)

batch, seq_len, features, hidden, layers = 3, 7, 5, 4, 2
lstm = nn.LSTM(features, hidden, num_layers=layers, batch_first=True, bidirectional=True)
x = torch.randn(batch, seq_len, features)
output, (h_n, c_n) = lstm(x)
print("output", tuple(output.shape), " h_n", tuple(h_n.shape))
# output: the LAST layer only, every step, both directions side by side.
assert output.shape == (batch, seq_len, 2 * hidden)
# h_n: every layer and direction, at its final step; batch_first does not apply to it.
assert h_n.shape == (layers * 2, batch, hidden)

h_n = h_n.view(layers, 2, batch, hidden)           # (layer, direction, batch, hidden)
forward_last = output[:, -1, :hidden]              # the forward direction ends at the last step
backward_last = output[:, 0, hidden:]              # the backward direction ends at the FIRST step
torch.testing.assert_close(h_n[-1, 0], forward_last)
torch.testing.assert_close(h_n[-1, 1], backward_last)
# The common mistake: output[:, -1] for both directions. Its backward half has seen one step only.
assert not torch.allclose(output[:, -1, hidden:], h_n[-1, 1])
print("h_n[-1, forward] == output[:, -1, :H];  h_n[-1, backward] == output[:, 0, H:]")
