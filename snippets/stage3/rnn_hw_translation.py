# roadmap 3.3 homework 3: a tiny seq2seq "translator" from ISO dates to English, "2024-03-05" -> "March 5, 2024"
import datetime
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(0)
torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


def to_pair(day):
    return day.isoformat(), f"{day:%B} {day.day}, {day.year}"


# 100 years of dates; 500 are held out for validation (watched during training) and 1,000 for the
# test (used once, at the end). Neither is ever drawn for training.
all_days = [datetime.date(1950, 1, 1) + datetime.timedelta(days=i) for i in range(100 * 365)]
random.shuffle(all_days)
test_days, val_days, train_days = all_days[:1000], all_days[1000:1500], all_days[1500:]
# leak check: every date is on one side only (a date's ISO string is all the model reads).
assert not {d.isoformat() for d in train_days} & {d.isoformat() for d in test_days + val_days}


# Character vocabularies. Output gets <pad>, <sos> and <eos>: sentences have different lengths and
# the decoder must learn when to stop.
src_chars = sorted("0123456789-")
trg_chars = ["<pad>", "<sos>", "<eos>"] + sorted(set("".join(to_pair(day)[1] for day in train_days)))
src_index = {c: i for i, c in enumerate(src_chars)}
trg_index = {c: i for i, c in enumerate(trg_chars)}
PAD, SOS, EOS = 0, 1, 2
MAX_OUT = len("September 30, 2000") + 1  # the longest answer, plus <eos>


def make_batch(days):
    pairs = [to_pair(day) for day in days]
    n = len(pairs)
    src = torch.tensor([[src_index[c] for c in s] for s, _ in pairs])
    # Each target: its characters, <eos>, then <pad> up to MAX_OUT (one tensor for the whole batch).
    trg = torch.tensor([[trg_index[c] for c in t] + [EOS] + [PAD] * (MAX_OUT - len(t) - 1) for _, t in pairs])
    trg_input = torch.cat([torch.full((n, 1), SOS), trg[:, :-1]], 1)  # teacher forcing input
    return src.to(device), trg_input.to(device), trg.to(device), pairs


class Seq2Seq(nn.Module):
    def __init__(self, input_dim, embedding_dim, hidden_dim, output_dim):
        super().__init__()
        self.encoder_embedding = nn.Embedding(input_dim, embedding_dim)
        self.encoder_lstm = nn.LSTM(embedding_dim, hidden_dim, batch_first=True)
        self.decoder_embedding = nn.Embedding(output_dim, embedding_dim)
        self.decoder_lstm = nn.LSTM(embedding_dim, hidden_dim, batch_first=True)
        self.fc = nn.Linear(hidden_dim, output_dim)

    def encode(self, src):
        _, state = self.encoder_lstm(self.encoder_embedding(src))
        return state

    def forward(self, src, trg_input):
        out, _ = self.decoder_lstm(self.decoder_embedding(trg_input), self.encode(src))
        return self.fc(out)

    @torch.no_grad()
    def greedy_decode(self, src, max_len):
        state = self.encode(src)
        token = torch.full((src.size(0), 1), SOS, device=src.device)
        outputs = []
        for _ in range(max_len):
            out, state = self.decoder_lstm(self.decoder_embedding(token), state)
            token = self.fc(out).argmax(-1)
            outputs.append(token)
        return torch.cat(outputs, 1)


def to_text(ids):
    chars = []
    for i in ids:
        if i == EOS:
            break
        chars.append(trg_chars[i])
    return "".join(chars)


def exact_match(days):
    src, _, _, pairs = make_batch(days)
    model.eval()
    predictions = [to_text(row) for row in model.greedy_decode(src, MAX_OUT).tolist()]
    return sum(p == t for p, (_, t) in zip(predictions, pairs)) / len(pairs), predictions, pairs


model = Seq2Seq(len(src_chars), embedding_dim=32, hidden_dim=96, output_dim=len(trg_chars)).to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)

STEPS = 600
for step in range(1, STEPS + 1):
    model.train()
    src, trg_input, trg, _ = make_batch(random.choices(train_days, k=64))
    logits = model(src, trg_input)
    # ignore_index: padding after <eos> is not something to learn.
    loss = F.cross_entropy(logits.reshape(-1, len(trg_chars)), trg.reshape(-1), ignore_index=PAD)
    optimizer.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    if step % 200 == 0:
        val_exact = exact_match(val_days)[0]
        print(f"step {step:>4}: loss {loss.item():.3f}, exact match on 500 validation dates {val_exact:.3f}")

# The test set, once, after training is finished.
exact, predictions, test_pairs = exact_match(test_days)
print(f"\nexact match on 1000 unseen test dates: {exact:.3f}")
for (iso, truth), pred in list(zip(test_pairs, predictions))[:5]:
    print(f"{iso} -> {pred:<20} {'ok' if pred == truth else 'expected ' + truth}")
assert exact >= 0.90
