# roadmap 4.4.1: the roadmap's SelfAttention, run as written, and its two problems measured
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


class SelfAttention(nn.Module):
    def __init__(self, embed_size, heads):
        super(SelfAttention, self).__init__()
        self.embed_size = embed_size
        self.heads = heads
        self.head_dim = embed_size // heads

        assert (self.head_dim * heads == embed_size), "Embed size needs to be divisible by heads"

        self.values = nn.Linear(self.head_dim, self.head_dim, bias=False)
        self.keys = nn.Linear(self.head_dim, self.head_dim, bias=False)
        self.queries = nn.Linear(self.head_dim, self.head_dim, bias=False)
        self.fc_out = nn.Linear(heads * self.head_dim, embed_size)

    def forward(self, values, keys, query, mask=None):
        N = query.shape[0]
        value_len, key_len, query_len = values.shape[1], keys.shape[1], query.shape[1]

        # Split the embedding into heads
        values = values.reshape(N, value_len, self.heads, self.head_dim)
        keys = keys.reshape(N, key_len, self.heads, self.head_dim)
        queries = query.reshape(N, query_len, self.heads, self.head_dim)

        values = self.values(values)
        keys = self.keys(keys)
        queries = self.queries(queries)

        # Attention scores
        energy = torch.einsum("nqhd,nkhd->nhqk", [queries, keys])

        if mask is not None:
            energy = energy.masked_fill(mask == 0, float("-1e20"))

        attention = torch.softmax(energy / (self.embed_size ** (1/2)), dim=3)

        out = torch.einsum("nhql,nlhd->nqhd", [attention, values]).reshape(
            N, query_len, self.heads * self.head_dim
        )

        out = self.fc_out(out)
        return out


embed_size, heads, batch, seq_len = 64, 8, 2, 10
attention = SelfAttention(embed_size, heads).to(device)
x = torch.randn(batch, seq_len, embed_size, device=device)
out = attention(x, x, x)
print(f"input {tuple(x.shape)} -> output {tuple(out.shape)}")
assert out.shape == x.shape

# Problem 1: the scores are divided by sqrt(embed_size) = 8, not by sqrt(head_dim) = sqrt(8).
# Rebuild the per-head q, k, v and compare with PyTorch's attention at both scales.
q, k, v = (proj(x.reshape(batch, seq_len, heads, -1)).transpose(1, 2)
           for proj in (attention.queries, attention.keys, attention.values))
def merge_heads(t):
    return attention.fc_out(t.transpose(1, 2).reshape(batch, seq_len, embed_size))
with_embed_scale = merge_heads(F.scaled_dot_product_attention(q, k, v, scale=embed_size ** -0.5))
with_head_scale = merge_heads(F.scaled_dot_product_attention(q, k, v))  # default: 1/sqrt(head_dim)
torch.testing.assert_close(out, with_embed_scale)
assert not torch.allclose(out, with_head_scale)
print(f"matches attention scaled by 1/sqrt({embed_size}); the standard scale is 1/sqrt({embed_size // heads})")

# Problem 2: one Linear(head_dim, head_dim) is applied to every head, so all heads share the same
# projection of their own slice of the embedding, instead of each head projecting the whole embedding.
seed_qkv = sum(p.numel() for m in (attention.queries, attention.keys, attention.values) for p in m.parameters())
standard_qkv = 3 * embed_size * embed_size
print(f"q/k/v projection weights: {seed_qkv} here vs {standard_qkv} in standard multi-head attention")
assert seed_qkv == 3 * (embed_size // heads) ** 2
