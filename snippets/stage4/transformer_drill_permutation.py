# exercise added by this site (lesson 4.4): without positions, a Transformer cannot tell the order of its tokens
import math

import torch
import torch.nn as nn

torch.manual_seed(0)
d_model, seq_len = 32, 10
layer = nn.TransformerEncoderLayer(d_model, nhead=4, dim_feedforward=64, dropout=0.0, batch_first=True).eval()

# The sinusoidal positional encoding of 4.4.2
position = torch.arange(seq_len).unsqueeze(1)
div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
pe = torch.zeros(seq_len, d_model)
pe[:, 0::2], pe[:, 1::2] = torch.sin(position * div_term), torch.cos(position * div_term)

tokens = torch.randn(1, seq_len, d_model)
permutation = torch.randperm(seq_len)
shuffled = tokens[:, permutation]

with torch.no_grad():
    # 1. No positional information: shuffling the tokens only shuffles the outputs
    out, out_shuffled = layer(tokens), layer(shuffled)
    torch.testing.assert_close(out_shuffled, out[:, permutation], atol=1e-5, rtol=1e-4)
    print("without positions: layer(shuffled tokens) == shuffled layer(tokens)")
    mean_gap = (out.mean(1) - out_shuffled.mean(1)).abs().max().item()
    print(f"  so a mean-pooled classifier sees the same vector (max difference {mean_gap:.1e})")
    assert mean_gap < 1e-5

    # 2. With positions added, the position of each token matters
    out_pe, out_pe_shuffled = layer(tokens + pe), layer(shuffled + pe)
    gap = (out_pe_shuffled - out_pe[:, permutation]).abs().max().item()
    print(f"with positional encoding: shuffled outputs differ by up to {gap:.2f}")
    assert gap > 0.1
