# roadmap 4.4.1 (corrected): multi-head self-attention, checked against PyTorch's built-ins
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


class SelfAttention(nn.Module):
    def __init__(self, embed_size, heads):
        super().__init__()
        assert embed_size % heads == 0, "Embed size needs to be divisible by heads"
        self.embed_size = embed_size
        self.heads = heads
        self.head_dim = embed_size // heads
        # Fix 2: each projection sees the *whole* embedding; its output is then split into heads,
        # so every head has its own weights (rows head*head_dim ... of the matrix)
        self.values = nn.Linear(embed_size, embed_size)
        self.keys = nn.Linear(embed_size, embed_size)
        self.queries = nn.Linear(embed_size, embed_size)
        self.fc_out = nn.Linear(embed_size, embed_size)

    def split_heads(self, x):  # (N, L, E) -> (N, heads, L, head_dim)
        return x.reshape(x.shape[0], x.shape[1], self.heads, self.head_dim).transpose(1, 2)

    def forward(self, values, keys, query, mask=None):
        """mask: 1 (or True) where attention is allowed, 0 where it is not; broadcast to (N, heads, Lq, Lk)."""
        N, query_len, _ = query.shape
        v = self.split_heads(self.values(values))
        k = self.split_heads(self.keys(keys))
        q = self.split_heads(self.queries(query))

        energy = q @ k.transpose(-2, -1)  # (N, heads, Lq, Lk)
        if mask is not None:
            energy = energy.masked_fill(mask == 0, float("-inf"))
        # Fix 1: scale by sqrt(head_dim), the size of the vectors whose dot product was taken
        attention = torch.softmax(energy / math.sqrt(self.head_dim), dim=-1)

        out = (attention @ v).transpose(1, 2).reshape(N, query_len, self.embed_size)
        return self.fc_out(out)


embed_size, heads, batch, seq_len = 64, 8, 2, 10
attention = SelfAttention(embed_size, heads).to(device).eval()
x = torch.randn(batch, seq_len, embed_size, device=device)

# The same weights in nn.MultiheadAttention: q, k, v stacked in in_proj, fc_out is out_proj
mha = nn.MultiheadAttention(embed_size, heads, batch_first=True).to(device).eval()
with torch.no_grad():
    mha.in_proj_weight.copy_(torch.cat([attention.queries.weight, attention.keys.weight, attention.values.weight]))
    mha.in_proj_bias.copy_(torch.cat([attention.queries.bias, attention.keys.bias, attention.values.bias]))
    mha.out_proj.weight.copy_(attention.fc_out.weight)
    mha.out_proj.bias.copy_(attention.fc_out.bias)


def sdpa_reference(x, allowed=None):
    """The same computation with F.scaled_dot_product_attention (fused kernels on GPU)."""
    q, k, v = (attention.split_heads(proj(x)) for proj in (attention.queries, attention.keys, attention.values))
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed)  # bool mask: True = attend
    return attention.fc_out(out.transpose(1, 2).reshape(x.shape))


# Masks. Careful: the conventions differ. Ours and SDPA's: True = may attend.
# nn.MultiheadAttention's attn_mask / key_padding_mask: True = may NOT attend.
causal = torch.tril(torch.ones(seq_len, seq_len, dtype=torch.bool, device=device))  # no peeking ahead
lengths = torch.tensor([10, 6], device=device)  # the second sequence has 4 padding tokens
not_padding = torch.arange(seq_len, device=device)[None, :] < lengths[:, None]  # (N, L)
padding_mask = not_padding[:, None, None, :]  # (N, 1, 1, Lk): hide padded keys from every query

with torch.no_grad():
    cases = {
        "no mask": (attention(x, x, x), sdpa_reference(x), mha(x, x, x)[0]),
        "causal mask": (attention(x, x, x, causal), sdpa_reference(x, causal),
                        mha(x, x, x, attn_mask=~causal)[0]),
        "padding mask": (attention(x, x, x, padding_mask), sdpa_reference(x, padding_mask),
                         mha(x, x, x, key_padding_mask=~not_padding)[0]),
    }
for name, (ours, sdpa, builtin) in cases.items():
    torch.testing.assert_close(ours, sdpa, atol=1e-5, rtol=1e-4)
    torch.testing.assert_close(ours, builtin, atol=1e-5, rtol=1e-4)
    print(f"{name:<13} ours == F.scaled_dot_product_attention == nn.MultiheadAttention "
          f"(max diff {(ours - builtin).abs().max().item():.1e})")

# Causality, checked directly: changing the last token cannot change any earlier output
x_changed = x.clone()
x_changed[:, -1] += 1.0
with torch.no_grad():
    before, after = attention(x, x, x, causal), attention(x_changed, x_changed, x_changed, causal)
torch.testing.assert_close(before[:, :-1], after[:, :-1])
print("with the causal mask, outputs 0..8 ignore token 9")

# Without a mask, attention ignores order: shuffling the tokens just shuffles the outputs
permutation = torch.randperm(seq_len, device=device)
with torch.no_grad():
    shuffled_out = attention(x[:, permutation], x[:, permutation], x[:, permutation])
torch.testing.assert_close(shuffled_out, cases["no mask"][0][:, permutation])
print("permuting the input tokens permutes the outputs the same way: order needs positional encoding")
print(f"parameters: ours {sum(p.numel() for p in attention.parameters())}, "
      f"nn.MultiheadAttention {sum(p.numel() for p in mha.parameters())}")
assert sum(p.numel() for p in attention.parameters()) == sum(p.numel() for p in mha.parameters())
