# roadmap 3.3 homework 1: the original exercise, IMDB movie-review sentiment (downloads about 80 MB)
import re
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F
from datasets import load_dataset  # pip install datasets (torchtext, used by older tutorials, is retired)
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

imdb = load_dataset("imdb")  # 25,000 training and 25,000 test reviews, labels 0 = negative, 1 = positive


def tokenize(text):
    return re.findall(r"[a-z0-9']+", text.lower().replace("<br />", " "))[:256]


counts = Counter(word for review in imdb["train"]["text"] for word in tokenize(review))
vocab = {word: i + 2 for i, (word, _) in enumerate(counts.most_common(20_000))}  # 0 pad, 1 unknown


def encode(batch):
    ids = [torch.tensor([vocab.get(w, 1) for w in tokenize(t)] or [1]) for t in batch["text"]]
    lengths = torch.tensor([len(x) for x in ids])
    return pad_sequence(ids, batch_first=True), lengths, torch.tensor(batch["label"])


class GRUClassifier(nn.Module):
    def __init__(self, vocab_size, embedding_dim=128, hidden_size=128, num_classes=2):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=0)
        self.gru = nn.GRU(embedding_dim, hidden_size, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden_size, num_classes)

    def forward(self, x, lengths):
        packed = pack_padded_sequence(self.embedding(x), lengths.cpu(), batch_first=True, enforce_sorted=False)
        _, hidden = self.gru(packed)
        return self.fc(torch.cat((hidden[-2], hidden[-1]), 1))


model = GRUClassifier(len(vocab) + 2).to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
train_set = imdb["train"].shuffle(seed=0)
for epoch in range(3):
    model.train()
    for start in range(0, len(train_set), 64):
        x, lengths, y = encode(train_set[start:start + 64])
        loss = F.cross_entropy(model(x.to(device), lengths), y.to(device))
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()

    model.eval()
    correct = 0
    with torch.no_grad():
        for start in range(0, len(imdb["test"]), 256):
            x, lengths, y = encode(imdb["test"][start:start + 256])
            correct += (model(x.to(device), lengths).argmax(1).cpu() == y).sum().item()
    print(f"epoch {epoch + 1}: test accuracy {correct / len(imdb['test']):.3f}")
