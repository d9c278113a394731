# exercise added by this site (lesson 5.2): temperature and top-k sampling, checked against what they promise
import torch
import torch.nn.functional as F

torch.manual_seed(0)
logits = torch.tensor([2.0, 1.5, 1.0, 0.0, -1.0, -3.0])  # a model's scores for a 6-token vocabulary


def sample(logits, num_samples, temperature=1.0, top_k=None):
    """Draw token ids: divide the logits by the temperature, keep the top k, sample from the softmax."""
    logits = logits / temperature
    if top_k is not None:
        kth_best = logits.topk(top_k).values[-1]
        logits = logits.masked_fill(logits < kth_best, float("-inf"))  # probability exactly 0
    return torch.multinomial(F.softmax(logits, dim=-1), num_samples, replacement=True)


n = 20000
for temperature in (0.1, 1.0, 2.0):
    counts = torch.bincount(sample(logits, n, temperature), minlength=len(logits)) / n
    print(f"temperature {temperature}: token frequencies {[round(c, 3) for c in counts.tolist()]}")
    if temperature == 1.0:  # at T = 1 the frequencies follow the softmax (within sampling noise)
        assert (counts - F.softmax(logits, dim=-1)).abs().max() < 0.02
low = torch.bincount(sample(logits, n, 0.1), minlength=len(logits)) / n
high = torch.bincount(sample(logits, n, 2.0), minlength=len(logits)) / n
assert low[0] > 0.99                      # a low temperature is (almost) greedy: always the top token
assert high[0] < F.softmax(logits, -1)[0] < low[0] and high[-1] > 0  # a high one flattens the distribution

top3 = sample(logits, n, top_k=3)
print("top-k = 3 draws only tokens", sorted(set(top3.tolist())))
assert set(top3.tolist()) == {0, 1, 2}   # never a token outside the 3 best, and all 3 do occur
