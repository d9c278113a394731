# roadmap 3.1.2: the common layers and the shapes they expect
import torch
import torch.nn as nn

torch.manual_seed(0)

batch = 8
layers = [
    # (name, layer, example input)
    # 1. Fully connected
    ("Linear(100, 50)", nn.Linear(in_features=100, out_features=50, bias=True), torch.randn(batch, 100)),
    # 2. Convolutions: (batch, channels, height, width) and (batch, channels, length)
    ("Conv2d(3, 64, k=3, p=1)", nn.Conv2d(3, 64, kernel_size=3, stride=1, padding=1), torch.randn(batch, 3, 32, 32)),
    ("Conv1d(256, 128, k=5)", nn.Conv1d(in_channels=256, out_channels=128, kernel_size=5), torch.randn(batch, 256, 50)),
    # 3. Pooling
    ("MaxPool2d(2, 2)", nn.MaxPool2d(kernel_size=2, stride=2), torch.randn(batch, 64, 32, 32)),
    ("AdaptiveAvgPool2d((1, 1))", nn.AdaptiveAvgPool2d((1, 1)), torch.randn(batch, 64, 7, 7)),
    # 4. Normalization
    ("BatchNorm1d(100)", nn.BatchNorm1d(num_features=100), torch.randn(batch, 100)),
    ("BatchNorm2d(64)", nn.BatchNorm2d(num_features=64), torch.randn(batch, 64, 16, 16)),
    ("LayerNorm(512)", nn.LayerNorm(normalized_shape=512), torch.randn(batch, 10, 512)),
    ("InstanceNorm2d(64)", nn.InstanceNorm2d(num_features=64), torch.randn(batch, 64, 16, 16)),
    # 5. Dropout
    ("Dropout(0.5)", nn.Dropout(p=0.5), torch.randn(batch, 100)),
    ("Dropout2d(0.2)", nn.Dropout2d(p=0.2), torch.randn(batch, 64, 16, 16)),
    # 6. Activations
    ("ReLU", nn.ReLU(), torch.randn(batch, 100)),
    ("LeakyReLU(0.01)", nn.LeakyReLU(negative_slope=0.01), torch.randn(batch, 100)),
    ("Sigmoid", nn.Sigmoid(), torch.randn(batch, 100)),
    ("Tanh", nn.Tanh(), torch.randn(batch, 100)),
    ("GELU", nn.GELU(), torch.randn(batch, 100)),
    # 7. Recurrent layers: batch_first=True means (batch, seq_len, features)
    ("RNN(100, 256, layers=2)", nn.RNN(input_size=100, hidden_size=256, num_layers=2, batch_first=True), torch.randn(batch, 20, 100)),
    ("LSTM(100, 256, layers=2)", nn.LSTM(input_size=100, hidden_size=256, num_layers=2, batch_first=True), torch.randn(batch, 20, 100)),
    ("GRU(100, 256, layers=2)", nn.GRU(input_size=100, hidden_size=256, num_layers=2, batch_first=True), torch.randn(batch, 20, 100)),
]

# 8. Attention and 9. Transformer. batch_first=True keeps (batch, seq_len, d_model) like the RNNs above.
multihead_attn = nn.MultiheadAttention(embed_dim=512, num_heads=8, batch_first=True)
transformer_layer = nn.TransformerEncoderLayer(d_model=512, nhead=8, batch_first=True)
transformer = nn.TransformerEncoder(transformer_layer, num_layers=6)


def shape_of(out):
    """Shape of a tensor, or of every tensor in a (nested) tuple such as (output, (h, c))."""
    if isinstance(out, torch.Tensor):
        return str(tuple(out.shape))
    return ", ".join(shape_of(o) for o in out)


def count(module):
    return sum(p.numel() for p in module.parameters())


rows = []
for name, layer, x in layers:
    rows.append((name, tuple(x.shape), shape_of(layer(x)), count(layer)))

tokens = torch.randn(batch, 10, 512)
attn_out, attn_weights = multihead_attn(tokens, tokens, tokens)  # self-attention: q = k = v
rows.append(("MultiheadAttention(512, 8)", tuple(tokens.shape), shape_of((attn_out, attn_weights)), count(multihead_attn)))
rows.append(("TransformerEncoder(6 layers)", tuple(tokens.shape), shape_of(transformer(tokens)), count(transformer)))

print(f"{'layer':<28} {'input':<18} {'output':<40} {'params':>10}")
for name, in_shape, out_shape, n in rows:
    print(f"{name:<28} {str(in_shape):<18} {out_shape:<40} {n:>10,}")

table = {name: out for name, _, out, _ in rows}
assert table["Conv2d(3, 64, k=3, p=1)"] == "(8, 64, 32, 32)"      # padding=1 keeps 32x32
assert table["Conv1d(256, 128, k=5)"] == "(8, 128, 46)"          # no padding: 50 - 5 + 1
assert table["MaxPool2d(2, 2)"] == "(8, 64, 16, 16)"
assert table["AdaptiveAvgPool2d((1, 1))"] == "(8, 64, 1, 1)"
# LSTM returns output for every step plus the final (hidden, cell) of each of the 2 layers.
assert table["LSTM(100, 256, layers=2)"] == "(8, 20, 256), (2, 8, 256), (2, 8, 256)"
assert table["MultiheadAttention(512, 8)"] == "(8, 10, 512), (8, 10, 10)"
assert table["TransformerEncoder(6 layers)"] == "(8, 10, 512)"
# Normalization layers never change the shape; InstanceNorm2d has no parameters by default.
for name, in_shape, out_shape, n in rows:
    if "Norm" in name:
        assert out_shape == str(in_shape), name
assert count(nn.InstanceNorm2d(64)) == 0

# Dropout only drops in training mode; in eval mode it is the identity.
dropout = nn.Dropout(p=0.5)
x = torch.ones(1000)
dropped = dropout(x)
zero_share = (dropped == 0).float().mean().item()
print(f"\nDropout(0.5) in train mode: {zero_share:.0%} zeros, survivors scaled to {dropped.max():.1f}")
assert 0.4 <= zero_share <= 0.6 and torch.all(dropped[dropped != 0] == 2.0)  # 1 / (1 - 0.5)
dropout.eval()
assert torch.equal(dropout(x), x)
print("Dropout(0.5) in eval mode: identity")
