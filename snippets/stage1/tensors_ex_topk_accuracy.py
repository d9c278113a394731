# exercise added by this site (lesson 1.2): top-k accuracy without a loop (topk, broadcasting, any)
import torch

torch.manual_seed(0)
logits = torch.randn(100, 10)            # scores of 100 samples for 10 classes
targets = torch.randint(0, 10, (100,))


def topk_accuracy(logits, targets, k):
    """Share of samples whose target is among the k highest-scoring classes."""
    top = logits.topk(k, dim=1).indices            # (N, k) class indices, best first
    hits = (top == targets.unsqueeze(1)).any(dim=1)  # (N, k) == (N, 1) broadcasts; any over k
    return hits.sum().item() / len(targets)  # count in integers, divide in Python: exact


# Check against a plain Python loop
def topk_accuracy_loop(logits, targets, k):
    hits = 0
    for row, target in zip(logits.tolist(), targets.tolist()):
        ranked = sorted(range(len(row)), key=lambda c: row[c], reverse=True)
        hits += target in ranked[:k]
    return hits / len(targets)


for k in (1, 3, 10):
    ours, looped = topk_accuracy(logits, targets, k), topk_accuracy_loop(logits, targets, k)
    print(f"top-{k} accuracy: {ours:.2f} (loop: {looped:.2f})")
    assert ours == looped
# top-1 is the usual accuracy, and with k = number of classes every target is found
assert topk_accuracy(logits, targets, 1) == (logits.argmax(dim=1) == targets).sum().item() / 100
assert topk_accuracy(logits, targets, 10) == 1.0
