# exercise added by this site (distributed training): gradient accumulation under DDP with no_sync()
import contextlib
import socket

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel as DDP

WORLD_SIZE = 2
MICRO_BATCHES = 4  # per rank and per optimizer step
MICRO_BATCH = 8


def make_model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 3))


def worker(rank, port):
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=WORLD_SIZE)
    # One global batch of 2 ranks x 4 micro-batches x 8 samples; every rank knows it, each uses its part
    data = torch.randn(WORLD_SIZE, MICRO_BATCHES, MICRO_BATCH, 20, generator=torch.Generator().manual_seed(1))
    target = torch.randint(3, (WORLD_SIZE, MICRO_BATCHES, MICRO_BATCH), generator=torch.Generator().manual_seed(2))

    model = DDP(make_model())
    all_reduces = []  # a communication hook that counts the all-reduces DDP launches
    def counting_allreduce(state, bucket):
        all_reduces.append(bucket.index())
        tensor = bucket.buffer() / WORLD_SIZE
        return dist.all_reduce(tensor, async_op=True).get_future().then(lambda fut: fut.value()[0])
    model.register_comm_hook(None, counting_allreduce)

    for i in range(MICRO_BATCHES):
        last = i == MICRO_BATCHES - 1
        # no_sync() must wrap the forward too: DDP decides during forward() whether backward() syncs
        with contextlib.nullcontext() if last else model.no_sync():
            loss = F.cross_entropy(model(data[rank, i]), target[rank, i]) / MICRO_BATCHES
            loss.backward()  # accumulates into .grad; only the last one all-reduces the sum
    with_no_sync = len(all_reduces)
    grads_with_no_sync = [p.grad.clone() for p in model.parameters()]

    # The same without no_sync(): every backward() all-reduces
    model.zero_grad()
    all_reduces.clear()
    for i in range(MICRO_BATCHES):
        (F.cross_entropy(model(data[rank, i]), target[rank, i]) / MICRO_BATCHES).backward()
    without_no_sync = len(all_reduces)

    # A common mistake: only backward() inside no_sync(). DDP decided during forward() to sync.
    model.zero_grad()
    all_reduces.clear()
    for i in range(MICRO_BATCHES):
        loss = F.cross_entropy(model(data[rank, i]), target[rank, i]) / MICRO_BATCHES
        with contextlib.nullcontext() if i == MICRO_BATCHES - 1 else model.no_sync():
            loss.backward()
    backward_only_in_no_sync = len(all_reduces)

    # Reference: one process, one backward over the whole global batch of 64 samples
    reference = make_model()
    F.cross_entropy(reference(data.reshape(-1, 20)), target.reshape(-1)).backward()
    for g_no_sync, p_ddp, p_ref in zip(grads_with_no_sync, model.parameters(), reference.parameters()):
        torch.testing.assert_close(g_no_sync, p_ref.grad)  # accumulate, then all-reduce once
        torch.testing.assert_close(p_ddp.grad, p_ref.grad)  # all-reduce every time: same sum (it is linear)
    assert (with_no_sync, without_no_sync) == (1, MICRO_BATCHES)  # one bucket here (a small model)
    assert backward_only_in_no_sync == MICRO_BATCHES  # the mistake saves nothing
    if rank == 0:
        print(f"{WORLD_SIZE} ranks x {MICRO_BATCHES} micro-batches of {MICRO_BATCH} samples:")
        print(f"  all-reduces launched: {with_no_sync} with no_sync(), {without_no_sync} without, "
              f"{backward_only_in_no_sync} with only backward() inside no_sync()")
        print(f"  gradients in both cases == those of one backward over the global batch of "
              f"{WORLD_SIZE * MICRO_BATCHES * MICRO_BATCH} samples")

    dist.barrier()  # everyone is done before anyone tears down
    dist.destroy_process_group()


if __name__ == "__main__":
    with socket.socket() as s:  # a free port on loopback for the processes to meet
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # fork: the workers start as copies of this process (Linux and macOS), no second import of torch
    mp.start_processes(worker, args=(port,), nprocs=WORLD_SIZE, start_method="fork")
