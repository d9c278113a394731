# roadmap 5.2 (project 3): a GPT-style decoder with causal self-attention written out
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


class CausalSelfAttention(nn.Module):
    def __init__(self, d_model, n_heads, block_size):
        super().__init__()
        self.n_heads = n_heads
        self.qkv = nn.Linear(d_model, 3 * d_model)   # queries, keys and values in one matmul
        self.proj = nn.Linear(d_model, d_model)
        # mask[t, s] is True where position t may look at position s, i.e. s <= t (the past).
        self.register_buffer("mask", torch.tril(torch.ones(block_size, block_size, dtype=torch.bool)))

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.qkv(x).split(C, dim=2)
        # (B, T, C) -> (B, heads, T, head_dim): every head attends independently
        q, k, v = (z.view(B, T, self.n_heads, C // self.n_heads).transpose(1, 2) for z in (q, k, v))
        scores = q @ k.transpose(-2, -1) / math.sqrt(k.size(-1))          # (B, heads, T, T)
        scores = scores.masked_fill(~self.mask[:T, :T], float("-inf"))    # no peeking at the future
        out = F.softmax(scores, dim=-1) @ v
        return self.proj(out.transpose(1, 2).reshape(B, T, C))


class Block(nn.Module):
    def __init__(self, d_model, n_heads, block_size):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)
        self.attn = CausalSelfAttention(d_model, n_heads, block_size)
        self.mlp = nn.Sequential(nn.Linear(d_model, 4 * d_model), nn.GELU(), nn.Linear(4 * d_model, d_model))

    def forward(self, x):
        x = x + self.attn(self.ln1(x))   # pre-norm residual blocks, as in GPT-2
        return x + self.mlp(self.ln2(x))


class GPT(nn.Module):
    def __init__(self, vocab_size, block_size=64, d_model=96, n_heads=4, n_layers=2):
        super().__init__()
        self.block_size = block_size
        self.tok = nn.Embedding(vocab_size, d_model)
        self.pos = nn.Embedding(block_size, d_model)
        self.blocks = nn.Sequential(*[Block(d_model, n_heads, block_size) for _ in range(n_layers)])
        self.ln = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab_size, bias=False)
        self.head.weight = self.tok.weight   # weight tying: one table to read and to write characters
        # GPT-2's init: small token and position embeddings (PyTorch's default N(0, 1) would make the
        # position drown out the token, and the tied output layer start with huge logits).
        nn.init.normal_(self.tok.weight, std=0.02)
        nn.init.normal_(self.pos.weight, std=0.02)

    def forward(self, idx):
        pos = torch.arange(idx.size(1), device=idx.device)
        return self.head(self.ln(self.blocks(self.tok(idx) + self.pos(pos))))   # (B, T, vocab)


vocab_size = 50
model = GPT(vocab_size).to(device).eval()
idx = torch.randint(0, vocab_size, (2, 16), device=device)
with torch.no_grad():
    logits = model(idx)
print(f"tokens {tuple(idx.shape)} -> logits {tuple(logits.shape)}, {sum(p.numel() for p in model.parameters()):,} parameters")
assert logits.shape == (2, 16, vocab_size)

# Causality: changing the token at position 10 must leave the predictions at positions 0-9 alone.
changed = idx.clone()
changed[:, 10] = (changed[:, 10] + 1) % vocab_size
with torch.no_grad():
    logits_changed = model(changed)
torch.testing.assert_close(logits_changed[:, :10], logits[:, :10])
assert not torch.allclose(logits_changed[:, 10:], logits[:, 10:])
print("positions 0-9 unchanged when token 10 changes; positions 10-15 changed")

# Our written-out attention equals PyTorch's fused kernel with is_causal=True.
attn = model.blocks[0].attn
x = torch.randn(2, 16, 96, device=device)
with torch.no_grad():
    q, k, v = (z.view(2, 16, 4, 24).transpose(1, 2) for z in attn.qkv(x).split(96, dim=2))
    fused = F.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(1, 2).reshape(2, 16, 96)
    torch.testing.assert_close(attn(x), attn.proj(fused))
print("written-out causal attention == F.scaled_dot_product_attention(is_causal=True)")
