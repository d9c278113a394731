# exercise added by this site (lesson 3.3): find the bug; the last time step of a padded batch is padding
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence

torch.manual_seed(0)

gru = nn.GRU(input_size=3, hidden_size=8, batch_first=True)
sequences = [torch.randn(n, 3) for n in (6, 2, 4)]            # three sequences of different lengths
lengths = torch.tensor([len(s) for s in sequences])
padded = pad_sequence(sequences, batch_first=True)            # (3, 6, 3), zeros after each end

# The reference: each sequence run alone, its final hidden state.
alone = torch.stack([gru(s.unsqueeze(0))[1][0, 0] for s in sequences])

# The bug: out[:, -1] is the state after the padding for every sequence shorter than 6.
out, _ = gru(padded)
buggy = out[:, -1]
errors = (buggy - alone).abs().amax(1)
print("buggy: error per sequence", [f"{e:.3f}" for e in errors.tolist()])
assert errors[0] < 1e-6 and errors[1] > 1e-3 and errors[2] > 1e-3  # only the longest one is right

# Fix 1: pick each sequence's own last real step (index length - 1).
fix_gather = out[torch.arange(len(sequences)), lengths - 1]
# Fix 2: pack the batch, so the GRU stops at each sequence's end and h_n is the right state.
_, h_n = gru(pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False))
torch.testing.assert_close(fix_gather, alone)
torch.testing.assert_close(h_n[0], alone)

# Mean pooling needs a mask for the same reason: padding steps must not vote.
mask = (torch.arange(padded.size(1)) < lengths.unsqueeze(1)).unsqueeze(-1).float()  # (3, 6, 1)
masked_mean = (out * mask).sum(1) / mask.sum(1)
torch.testing.assert_close(masked_mean[1], gru(sequences[1].unsqueeze(0))[0][0].mean(0))
assert not torch.allclose(out.mean(1)[1], masked_mean[1])
print("fixed: gather at length - 1 == packed h_n == each sequence alone; masked mean ignores padding")
