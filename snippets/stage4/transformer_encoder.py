# roadmap 4.4.3: the Transformer encoder with a classification head, trained on digits read row by row
import math

import matplotlib.pyplot as plt
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


class SelfAttention(nn.Module):  # the corrected version from 4.4.1
    def __init__(self, embed_size, heads):
        super().__init__()
        self.embed_size, self.heads, self.head_dim = embed_size, heads, embed_size // heads
        self.values = nn.Linear(embed_size, embed_size)
        self.keys = nn.Linear(embed_size, embed_size)
        self.queries = nn.Linear(embed_size, embed_size)
        self.fc_out = nn.Linear(embed_size, embed_size)

    def split_heads(self, x):
        return x.reshape(x.shape[0], x.shape[1], self.heads, self.head_dim).transpose(1, 2)

    def forward(self, values, keys, query, mask=None):
        v, k, q = self.split_heads(self.values(values)), self.split_heads(self.keys(keys)), self.split_heads(self.queries(query))
        energy = q @ k.transpose(-2, -1)
        if mask is not None:
            energy = energy.masked_fill(mask == 0, float("-inf"))
        attention = torch.softmax(energy / math.sqrt(self.head_dim), dim=-1)
        return self.fc_out((attention @ v).transpose(1, 2).reshape(query.shape))


class TransformerBlock(nn.Module):
    def __init__(self, embed_size, heads, dropout, forward_expansion):
        super(TransformerBlock, self).__init__()
        self.attention = SelfAttention(embed_size, heads)
        self.norm1 = nn.LayerNorm(embed_size)
        self.norm2 = nn.LayerNorm(embed_size)

        self.feed_forward = nn.Sequential(
            nn.Linear(embed_size, forward_expansion * embed_size),
            nn.ReLU(),
            nn.Linear(forward_expansion * embed_size, embed_size)
        )

        self.dropout = nn.Dropout(dropout)

    def forward(self, value, key, query, mask):
        attention = self.attention(value, key, query, mask)
        x = self.dropout(self.norm1(attention + query))  # residual connection, then LayerNorm
        forward = self.feed_forward(x)
        out = self.dropout(self.norm2(forward + x))
        return out


class TransformerEncoder(nn.Module):
    def __init__(self, token_size, embed_size, num_layers, heads,
                 forward_expansion, dropout, max_length):
        super(TransformerEncoder, self).__init__()
        self.embed_size = embed_size
        # Our tokens are rows of 8 pixel values, so a Linear layer embeds them (as ViT embeds patches);
        # for word ids it would be nn.Embedding(vocab_size, embed_size), as in the roadmap
        self.token_embedding = nn.Linear(token_size, embed_size)
        self.position_embedding = nn.Embedding(max_length, embed_size)  # learned, unlike 4.4.2

        self.layers = nn.ModuleList([
            TransformerBlock(embed_size, heads, dropout, forward_expansion)
            for _ in range(num_layers)
        ])

        self.dropout = nn.Dropout(dropout)

    def forward(self, x, mask):
        N, seq_length = x.shape[:2]
        positions = torch.arange(0, seq_length).expand(N, seq_length).to(x.device)

        out = self.dropout(
            self.token_embedding(x) + self.position_embedding(positions)
        )

        for layer in self.layers:
            out = layer(out, out, out, mask)  # self-attention: values, keys and queries are all `out`

        return out


class TransformerClassifier(nn.Module):
    """The encoder plus a head: average the token vectors into one vector and classify it."""

    def __init__(self, num_classes, **encoder_kwargs):
        super().__init__()
        self.encoder = TransformerEncoder(**encoder_kwargs)
        self.head = nn.Linear(encoder_kwargs["embed_size"], num_classes)

    def forward(self, tokens, mask=None):
        hidden = self.encoder(tokens, mask)  # (N, L, E); no padding here: every image has 8 rows
        return self.head(hidden.mean(dim=1))


# 1) The block is the standard post-norm encoder layer: copy its weights into nn.TransformerEncoderLayer
embed_size, heads = 64, 4
block = TransformerBlock(embed_size, heads, dropout=0.1, forward_expansion=2).to(device).eval()
builtin = nn.TransformerEncoderLayer(embed_size, heads, dim_feedforward=2 * embed_size, dropout=0.1,
                                     batch_first=True).to(device).eval()
attn = block.attention
with torch.no_grad():
    builtin.self_attn.in_proj_weight.copy_(torch.cat([attn.queries.weight, attn.keys.weight, attn.values.weight]))
    builtin.self_attn.in_proj_bias.copy_(torch.cat([attn.queries.bias, attn.keys.bias, attn.values.bias]))
    builtin.self_attn.out_proj.load_state_dict(attn.fc_out.state_dict())
    builtin.linear1.load_state_dict(block.feed_forward[0].state_dict())
    builtin.linear2.load_state_dict(block.feed_forward[2].state_dict())
    builtin.norm1.load_state_dict(block.norm1.state_dict())
    builtin.norm2.load_state_dict(block.norm2.state_dict())
    x = torch.randn(3, 12, embed_size, device=device)
    ours, theirs = block(x, x, x, None), builtin(x)
print(f"TransformerBlock {tuple(x.shape)} -> {tuple(ours.shape)}, nn.TransformerEncoderLayer -> {tuple(theirs.shape)}")
torch.testing.assert_close(ours, theirs, atol=1e-5, rtol=1e-4)
print("same weights, same outputs (in eval mode, where dropout is off)")

# 2) Real data: each 8x8 digit becomes a sequence of 8 tokens, one per row of 8 pixels
digits = load_digits()
images = torch.tensor(digits.images, dtype=torch.float32) / 16.0  # (1797, 8, 8) = (N, seq_len, token_size)
labels = torch.tensor(digits.target)
order = torch.randperm(len(images))
train_idx, test_idx = order[:1400], order[1400:]
# leak check: no test digit is also a training digit, pixel for pixel (the digits have no exact duplicates,
# so no deduplication is needed; the same writers are on both sides all the same: no writer ids ship).
assert not {tuple(r) for r in images[test_idx].flatten(1).tolist()} & {tuple(r) for r in images[train_idx].flatten(1).tolist()}
train_loader = DataLoader(TensorDataset(images[train_idx], labels[train_idx]), batch_size=64, shuffle=True)
test_x, test_y = images[test_idx].to(device), labels[test_idx].to(device)

model = TransformerClassifier(num_classes=10, token_size=8, embed_size=64, num_layers=2, heads=4,
                              forward_expansion=2, dropout=0.1, max_length=8).to(device)
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
print(f"{len(train_idx)} training digits as sequences of 8 rows, {sum(p.numel() for p in model.parameters()):,} parameters")

num_epochs = 12
for epoch in range(num_epochs):
    model.train()
    for rows, target in train_loader:
        rows, target = rows.to(device), target.to(device)
        optimizer.zero_grad()
        loss = F.cross_entropy(model(rows), target)
        loss.backward()
        optimizer.step()
    if (epoch + 1) % 3 == 0:
        model.eval()
        with torch.no_grad():
            test_acc = (model(test_x).argmax(1) == test_y).float().mean().item()
        print(f"epoch {epoch + 1:2d}: test accuracy {test_acc:.3f}")

assert test_acc >= 0.92

# 3) What a trained head looks at: the attention weights of the first block for one test digit.
# Capture the block's input with a hook, then recompute softmax(QK^T / sqrt(d_k)) with its own layers.
attention = model.encoder.layers[0].attention
captured = {}
hook = attention.register_forward_pre_hook(lambda module, args: captured.update(x=args[2]))
digit = test_x[:1]
with torch.no_grad():
    model(digit)
    hook.remove()
    x = captured["x"]
    q, k, v = attention.split_heads(attention.queries(x)), attention.split_heads(attention.keys(x)), attention.split_heads(attention.values(x))
    weights = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(attention.head_dim), dim=-1)  # (1, heads, 8, 8)
    # These are the weights the model really used: they reproduce the module's output
    recomputed = attention.fc_out((weights @ v).transpose(1, 2).reshape(x.shape))
    torch.testing.assert_close(recomputed, attention(x, x, x, None))

figure, axes = plt.subplots(1, 1 + attention.heads, figsize=(9, 2.6))
axes[0].imshow(digit[0].cpu(), cmap="gray_r")
axes[0].set_title(f"digit {test_y[0].item()}", fontsize=9)
axes[0].set_ylabel("row (token)")
axes[0].set_xlabel("pixel column")
for h in range(attention.heads):
    axes[h + 1].imshow(weights[0, h].cpu(), cmap="viridis", vmin=0, vmax=1)
    axes[h + 1].set_title(f"head {h + 1}", fontsize=9)
    axes[h + 1].set_xlabel("row attended to (key)")
axes[1].set_ylabel("row attending (query)")
for ax in axes:
    ax.set_xticks(range(0, 8, 2))
    ax.set_yticks(range(0, 8, 2))
figure.suptitle("Attention weights of the trained first block, per head (each row sums to 1)")
figure.tight_layout()
plt.show()
