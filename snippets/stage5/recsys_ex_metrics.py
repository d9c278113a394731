# exercise added by this site (lesson 5.3): hit rate@10 and NDCG@10 for leave-one-out evaluation, by hand
import math

import torch

torch.manual_seed(0)


def rank_of_positive(scores):
    """scores: (users, 100) for 1 held-out positive (column 0) + 99 sampled negatives; 0 = ranked first."""
    return (scores[:, 1:] > scores[:, :1]).sum(1)


def hit_rate_and_ndcg(scores, k=10):
    rank = rank_of_positive(scores)
    hit = rank < k
    ndcg = torch.where(hit, 1 / torch.log2(rank.float() + 2), torch.zeros_like(rank, dtype=torch.float))
    return hit.float().mean().item(), ndcg.mean().item()


# Three users by hand: positive ranked 1st, 3rd and 50th among their 100 candidates.
scores = torch.zeros(3, 100)
scores[:, 1:] = -torch.arange(1, 100).float()   # negatives: -1, -2, ..., -99
scores[0, 0] = 0.5                               # above every negative: rank 0
scores[1, 0] = -2.5                              # below -1 and -2: rank 2
scores[2, 0] = -49.5                             # below 49 negatives: rank 49
hr, ndcg = hit_rate_and_ndcg(scores)
print(f"ranks {rank_of_positive(scores).tolist()}: HR@10 {hr:.3f}, NDCG@10 {ndcg:.3f}")
assert rank_of_positive(scores).tolist() == [0, 2, 49]
assert abs(hr - 2 / 3) < 1e-6
assert abs(ndcg - (1 + 1 / math.log2(4) + 0) / 3) < 1e-6   # 1/log2(rank + 2): 1 for first, 0.5 for third

# Random scores: the positive lands anywhere among 100, so HR@10 is about 10 % and NDCG@10 about 4.5 %.
hr, ndcg = hit_rate_and_ndcg(torch.rand(20000, 100))
expected_ndcg = sum(1 / math.log2(r + 2) for r in range(10)) / 100
print(f"random scores: HR@10 {hr:.3f} (expected 0.100), NDCG@10 {ndcg:.4f} (expected {expected_ndcg:.4f})")
assert abs(hr - 0.10) < 0.01 and abs(ndcg - expected_ndcg) < 0.005
