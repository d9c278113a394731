# exercise added by this site (distributed training): what DDP does, written by hand with all_reduce
import socket

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel as DDP

WORLD_SIZE = 2
STEPS = 20


def make_model():
    torch.manual_seed(0)  # the same starting weights on every rank
    return nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 3))


def worker(rank, port):
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=WORLD_SIZE)
    # Every rank makes the same global batches and keeps its own half of each
    data = torch.randn(STEPS, 32, 20, generator=torch.Generator().manual_seed(1))
    target = torch.randint(3, (STEPS, 32), generator=torch.Generator().manual_seed(2))
    half = slice(rank * 16, (rank + 1) * 16)

    by_hand, with_ddp = make_model(), DDP(make_model())
    opt_hand = torch.optim.SGD(by_hand.parameters(), lr=0.1)
    opt_ddp = torch.optim.SGD(with_ddp.parameters(), lr=0.1)
    for step in range(STEPS):
        x, y = data[step, half], target[step, half]

        opt_hand.zero_grad()
        F.cross_entropy(by_hand(x), y).backward()
        for param in by_hand.parameters():  # what DDP's backward hooks do, one tensor at a time
            dist.all_reduce(param.grad, op=dist.ReduceOp.SUM)
            param.grad /= WORLD_SIZE
        opt_hand.step()

        opt_ddp.zero_grad()
        F.cross_entropy(with_ddp(x), y).backward()  # DDP all-reduces bucketed gradients here
        opt_ddp.step()

    # The hand-written version trains exactly like DDP, and the copies on the two ranks agree
    for p_hand, p_ddp in zip(by_hand.parameters(), with_ddp.module.parameters()):
        torch.testing.assert_close(p_hand, p_ddp)
    first_layer = [torch.zeros_like(by_hand[0].weight) for _ in range(WORLD_SIZE)]
    dist.all_gather(first_layer, by_hand[0].weight.detach())
    assert torch.equal(first_layer[0], first_layer[1])
    if rank == 0:
        print(f"after {STEPS} steps on {WORLD_SIZE} ranks:")
        print("  weights trained with a hand-written all_reduce == weights trained with DDP")
        print("  rank 0 and rank 1 hold identical weights")

    dist.barrier()  # everyone is done before anyone tears down
    dist.destroy_process_group()


if __name__ == "__main__":
    with socket.socket() as s:  # a free port on loopback for the processes to meet
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # fork: the workers start as copies of this process (Linux and macOS), no second import of torch
    mp.start_processes(worker, args=(port,), nprocs=WORLD_SIZE, start_method="fork")
