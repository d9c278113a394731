# exercise added by this site (distributed training): find the bug: a DistributedSampler without set_epoch
import torch
from torch.utils.data import DistributedSampler, TensorDataset

torch.manual_seed(0)
dataset = TensorDataset(torch.arange(8))


def orders(call_set_epoch, epochs=3):
    sampler = DistributedSampler(dataset, num_replicas=2, rank=0, shuffle=True, seed=0)
    result = []
    for epoch in range(epochs):
        if call_set_epoch:
            sampler.set_epoch(epoch)  # the shuffle is seeded with seed + epoch
        result.append(list(sampler))
    return result


buggy, fixed = orders(False), orders(True)
print("without set_epoch:", buggy)
print("with set_epoch:   ", fixed)
assert buggy[0] == buggy[1] == buggy[2]  # the bug: the same "shuffle" every epoch
assert len({tuple(order) for order in fixed}) == 3  # the fix: a new order every epoch

# Every rank must call set_epoch with the same value: the ranks shuffle alike and then take disjoint slices
rank_1 = DistributedSampler(dataset, num_replicas=2, rank=1, shuffle=True, seed=0)
rank_1.set_epoch(2)
assert not set(fixed[2]) & set(rank_1) and len(set(fixed[2]) | set(rank_1)) == 8
