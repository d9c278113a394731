# exercise added by this site (distributed training): which samples DistributedSampler gives each rank
import torch
from torch.utils.data import DistributedSampler, TensorDataset

torch.manual_seed(0)
dataset = TensorDataset(torch.arange(10))  # 10 samples, 3 ranks: 10 is not a multiple of 3

# No processes needed: num_replicas and rank can be given by hand
per_rank = [list(DistributedSampler(dataset, num_replicas=3, rank=r, shuffle=False)) for r in range(3)]
for rank, indices in enumerate(per_rank):
    print(f"rank {rank}: {indices}")

assert per_rank == [[0, 3, 6, 9], [1, 4, 7, 0], [2, 5, 8, 1]]  # strided, and padded by wrapping around
assert sorted(set(sum(per_rank, []))) == list(range(10))  # every sample is used ...
assert len(sum(per_rank, [])) == 12  # ... and two twice, so that every rank gets ceil(10 / 3) = 4

# drop_last=True drops the tail instead: 3 samples per rank, one sample unused this epoch
dropped = [list(DistributedSampler(dataset, num_replicas=3, rank=r, shuffle=False, drop_last=True)) for r in range(3)]
print("drop_last=True:", dropped)
assert [len(d) for d in dropped] == [3, 3, 3] and len(set(sum(dropped, []))) == 9
