# exercise added by this site (lesson 5.2): return both class probabilities and say "uncertain" below 0.7
import torch
import torch.nn.functional as F

LABELS = ["negative", "positive"]


def describe(logits, threshold=0.7):
    """The response body for one review: both probabilities, and a label only when one is confident."""
    probs = F.softmax(logits, dim=-1)
    best = int(probs.argmax())
    label = LABELS[best] if probs[best] >= threshold else "uncertain"
    return {"label": label, "probabilities": {name: round(p, 3) for name, p in zip(LABELS, probs.tolist())}}


cases = {
    "clearly positive": torch.tensor([-2.0, 2.0]),   # p(positive) = 0.982
    "clearly negative": torch.tensor([1.5, -1.5]),   # p(negative) = 0.953
    "on the fence": torch.tensor([0.1, 0.3]),        # p(positive) = 0.550
    "just confident": torch.tensor([0.0, 0.85]),     # p(positive) = 0.701
}
for name, logits in cases.items():
    print(f"{name:<17} {describe(logits)}")

assert describe(cases["clearly positive"])["label"] == "positive"
assert describe(cases["clearly negative"])["label"] == "negative"
assert describe(cases["on the fence"])["label"] == "uncertain"
assert describe(cases["just confident"])["label"] == "positive"
for logits in cases.values():  # the two probabilities always add up to 1 (up to rounding)
    assert abs(sum(describe(logits)["probabilities"].values()) - 1) <= 0.001
