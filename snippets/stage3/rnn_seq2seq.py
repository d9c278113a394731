# roadmap 3.3.3: a sequence-to-sequence LSTM that learns to reverse digit strings
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

SOS = 10            # "start of sequence": the decoder's first input
VOCAB = 11          # digits 0-9 plus SOS
SEQ_LEN = 6


class Seq2Seq(nn.Module):
    def __init__(self, input_dim, embedding_dim, hidden_dim, output_dim):
        super().__init__()
        # Encoder: reads the source and compresses it into its final (hidden, cell) state.
        self.encoder_embedding = nn.Embedding(input_dim, embedding_dim)
        self.encoder_lstm = nn.LSTM(embedding_dim, hidden_dim, batch_first=True)
        # Decoder: starts from that state and produces the target one token at a time.
        self.decoder_embedding = nn.Embedding(output_dim, embedding_dim)
        self.decoder_lstm = nn.LSTM(embedding_dim, hidden_dim, batch_first=True)
        self.fc = nn.Linear(hidden_dim, output_dim)

    def encode(self, src):
        _, state = self.encoder_lstm(self.encoder_embedding(src))
        return state

    def forward(self, src, trg_input):
        """Training with teacher forcing: the decoder is fed the *true* previous tokens."""
        state = self.encode(src)
        decoder_output, _ = self.decoder_lstm(self.decoder_embedding(trg_input), state)
        return self.fc(decoder_output)  # (batch, trg_len, output_dim)

    @torch.no_grad()
    def greedy_decode(self, src, max_len):
        """Inference: no targets exist, so feed back the decoder's own best guess at each step."""
        state = self.encode(src)
        token = torch.full((src.size(0), 1), SOS, device=src.device)
        outputs = []
        for _ in range(max_len):
            out, state = self.decoder_lstm(self.decoder_embedding(token), state)
            token = self.fc(out).argmax(-1)  # (batch, 1)
            outputs.append(token)
        return torch.cat(outputs, 1)


def make_batch(n, held_out=frozenset()):
    src = torch.randint(0, 10, (n, SEQ_LEN))
    # Training batches skip the test strings, so the test measures strings the model never saw.
    src = src[[i for i, row in enumerate(src.tolist()) if tuple(row) not in held_out]].to(device)
    trg = src.flip(1)                                                # the task: reverse the string
    sos = torch.full((len(src), 1), SOS, device=device)
    trg_input = torch.cat([sos, trg[:, :-1]], 1)                     # decoder input: SOS + target shifted right
    return src, trg_input, trg


model = Seq2Seq(input_dim=VOCAB, embedding_dim=32, hidden_dim=128, output_dim=VOCAB).to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
test_src, _, test_trg = make_batch(1000)
val_src, _, val_trg = make_batch(500)
held_out = set(map(tuple, test_src.tolist())) | set(map(tuple, val_src.tolist()))

for step in range(1, 301):
    model.train()
    src, trg_input, trg = make_batch(64, held_out=held_out)
    logits = model(src, trg_input)
    loss = F.cross_entropy(logits.reshape(-1, VOCAB), trg.reshape(-1))
    optimizer.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    if step % 100 == 0:
        model.eval()
        val_exact = (model.greedy_decode(val_src, SEQ_LEN) == val_trg).all(1).float().mean().item()
        print(f"step {step:>4}: loss {loss.item():.3f}, exact match on 500 validation strings (greedy) {val_exact:.3f}")

# The test strings, once, at the end: none of them was ever a training string.
model.eval()
pred = model.greedy_decode(test_src, SEQ_LEN)
exact = (pred == test_trg).all(1).float().mean().item()
print(f"exact match on 1000 unseen test strings (greedy): {exact:.3f}")

for src, out in zip(test_src[:4].tolist(), pred[:4].tolist()):
    print("".join(map(str, src)), "->", "".join(map(str, out)))
assert exact >= 0.90
