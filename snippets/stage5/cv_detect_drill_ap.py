# exercise added by this site (lesson 5.1): average precision from a ranked list of hits and misses
import torch


def average_precision(is_hit, num_true):
    """is_hit: detections sorted by score (True = true positive); all-point interpolation (PASCAL VOC)."""
    hits = torch.tensor(is_hit, dtype=torch.float64)
    tp = hits.cumsum(0)
    precision = tp / torch.arange(1, len(hits) + 1)
    recall = tp / num_true
    # make precision non-increasing: at each rank, the best precision at this or any later rank
    precision = precision.flip(0).cummax(0).values.flip(0)
    steps = torch.diff(recall, prepend=torch.zeros(1))  # recall grows only at a hit
    return (steps * precision).sum().item()


# 3 true objects; detections by score: hit, miss, hit, miss, hit.
# precision at the hits: 1/1, 2/3, 3/5 -> AP = (1 + 2/3 + 3/5) / 3
ap = average_precision([True, False, True, False, True], num_true=3)
print(f"AP = {ap:.4f}")
assert abs(ap - (1 + 2 / 3 + 3 / 5) / 3) < 1e-12
assert average_precision([True, True, True], 3) == 1.0           # perfect ranking
assert abs(average_precision([True], 2) - 0.5) < 1e-12           # a missed object caps recall at 1/2
# interpolation: a later, higher precision lifts an earlier dip
assert abs(average_precision([True, False, True, True], 3) - (1 + 0.75 + 0.75) / 3) < 1e-12
