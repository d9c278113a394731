# exercise added by this site (lesson 5.2): a POST /predict_batch endpoint that runs up to 32 texts as one batch
import asyncio

import httpx
import torch
import torch.nn as nn
import torch.nn.functional as F
from fastapi import FastAPI
from pydantic import BaseModel, Field

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
MAX_LEN, MAX_BATCH, LABELS = 48, 32, ["negative", "positive"]

# A stand-in for the trained classifier of nlp_textcls_api.py: characters hashed into a small
# vocabulary, then an EmbeddingBag. The exercise is about the API, so the weights stay random.
model = nn.Sequential(nn.EmbeddingBag(1000, 16), nn.Linear(16, 2)).to(device).eval()


def encode(text):
    return torch.tensor([ord(ch) % 999 + 1 for ch in text[:MAX_LEN]], device=device)


class BatchRequest(BaseModel):
    # pydantic checks the list before our code runs: 1..32 texts, none of them empty
    texts: list[str] = Field(min_length=1, max_length=MAX_BATCH)


app = FastAPI()


def classify(texts):
    ids = [encode(t) for t in texts]
    offsets = torch.tensor([0] + [len(i) for i in ids[:-1]], device=device).cumsum(0)
    with torch.no_grad():  # one forward pass for the whole batch
        probs = F.softmax(model[1](model[0](torch.cat(ids), offsets)), dim=1)
    return [{"label": LABELS[int(p.argmax())], "probability": round(p.max().item(), 4)} for p in probs]


@app.post("/predict")
def predict(body: dict):
    return classify([body["text"]])[0]


@app.post("/predict_batch")
def predict_batch(request: BatchRequest):
    return {"predictions": classify(request.texts)}


texts = ["质量很好，非常满意", "太差了，失望", "一般般", "物流很快"]


async def call_api():
    # ASGITransport hands each request to the app in-process, through the same HTTP layer as a server
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
        batch = await client.post("/predict_batch", json={"texts": texts})
        singles = [(await client.post("/predict", json={"text": t})).json() for t in texts]
        too_many = await client.post("/predict_batch", json={"texts": ["好"] * (MAX_BATCH + 1)})
        empty = await client.post("/predict_batch", json={"texts": []})
    return batch, singles, too_many, empty


batch, singles, too_many, empty = asyncio.run(call_api())
print("batch of 4:", batch.status_code, batch.json()["predictions"])
assert batch.status_code == 200
assert batch.json()["predictions"] == singles   # the batch gives exactly what one request per text gives
print("33 texts:", too_many.status_code, too_many.json()["detail"][0]["msg"])
print("no texts:", empty.status_code, empty.json()["detail"][0]["msg"])
assert too_many.status_code == 422 and empty.status_code == 422
