# DistributedDataParallel really running: 2 CPU processes, gloo backend, launched with torchrun
import os
import socket
import subprocess
import sys
import time

import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

WORLD_SIZE = 2
NUM_EPOCHS = 3
BATCH_PER_RANK = 32  # global batch = 32 x 2 = 64


def launch():
    """Run this same file under torchrun, as you would type: torchrun --nproc_per_node=2 file.py"""
    with socket.socket() as s:  # ask the OS for a free port on loopback
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ,
               OMP_NUM_THREADS="1",  # one thread per process: 2 processes share 2 cores
               GLOO_SOCKET_IFNAME="lo0" if sys.platform == "darwin" else "lo")  # talk over loopback only
    command = [sys.executable, "-m", "torch.distributed.run", f"--nproc_per_node={WORLD_SIZE}",
               "--master_addr=127.0.0.1", f"--master_port={port}", os.path.abspath(__file__)]
    result = subprocess.run(command, env=env)
    assert result.returncode == 0, f"torchrun failed with exit code {result.returncode}"


def make_model():
    torch.manual_seed(0)  # every rank starts from the same weights (DDP also broadcasts rank 0's)
    return nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 10))


def train(model, loader, sampler):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    start = time.perf_counter()
    for epoch in range(NUM_EPOCHS):
        sampler.set_epoch(epoch)  # a new shuffle each epoch, the same on every rank
        for data, target in loader:
            optimizer.zero_grad()
            F.cross_entropy(model(data), target).backward()  # DDP averages gradients across ranks here
            optimizer.step()
    return time.perf_counter() - start


def worker():
    # torchrun sets RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT; init_process_group reads them
    dist.init_process_group(backend="gloo")  # gloo: CPU tensors; use "nccl" for CUDA GPUs
    rank, world_size = dist.get_rank(), dist.get_world_size()

    digits = load_digits()
    images = torch.tensor(digits.data[:1408], dtype=torch.float32) / 16.0  # 1408 = 22 global batches
    labels = torch.tensor(digits.target[:1408])
    test_x = torch.tensor(digits.data[1408:], dtype=torch.float32) / 16.0
    test_y = torch.tensor(digits.target[1408:])
    # leak check: no test digit is also a training digit, pixel for pixel (the digits have no exact duplicates,
    # so no deduplication is needed; the same writers are on both sides all the same: no writer ids ship).
    assert not {tuple(r) for r in test_x.flatten(1).tolist()} & {tuple(r) for r in images.flatten(1).tolist()}
    dataset = TensorDataset(images, labels)

    # Baseline: rank 0 alone does all the work in one process, while the other ranks wait.
    # A one-replica DistributedSampler with the same seed yields the same shuffled order.
    if rank == 0:
        single_sampler = DistributedSampler(dataset, num_replicas=1, rank=0, shuffle=True, seed=0)
        single_loader = DataLoader(dataset, batch_size=BATCH_PER_RANK * world_size, sampler=single_sampler)
        single_model = make_model()
        single_time = train(single_model, single_loader, single_sampler)
    dist.barrier()

    # DDP: each rank sees a different half of every global batch (DistributedSampler splits them)
    sampler = DistributedSampler(dataset, num_replicas=world_size, rank=rank, shuffle=True, seed=0)
    loader = DataLoader(dataset, batch_size=BATCH_PER_RANK, sampler=sampler)
    model = DDP(make_model())

    # Gradients are averaged: compare DDP's gradient with the mean of the ranks' local gradients
    data, target = next(iter(loader))
    with model.no_sync():  # backward *without* the all-reduce: this rank's own gradient
        F.cross_entropy(model(data), target).backward()
    local_grad = model.module[0].weight.grad.clone()
    model.zero_grad()
    F.cross_entropy(model(data), target).backward()  # with the all-reduce
    all_local = [torch.zeros_like(local_grad) for _ in range(world_size)]
    dist.all_gather(all_local, local_grad)
    torch.testing.assert_close(model.module[0].weight.grad, torch.stack(all_local).mean(0))
    model.zero_grad()

    ddp_time = train(model, loader, sampler)

    # Every rank ends with identical weights: gather one checksum per rank and compare
    checksum = torch.tensor(sum(p.double().sum().item() for p in model.parameters()), dtype=torch.float64)
    checksums = [torch.zeros_like(checksum) for _ in range(world_size)]
    dist.all_gather(checksums, checksum)
    samples = torch.tensor(len(sampler))
    samples_per_rank = [torch.zeros_like(samples) for _ in range(world_size)]
    dist.all_gather(samples_per_rank, samples)

    if rank == 0:  # print from one process only
        with torch.no_grad():
            ddp_acc = (model(test_x).argmax(1) == test_y).float().mean().item()
        for r in range(world_size):
            print(f"rank {r}: {samples_per_rank[r].item()} samples per epoch, weight checksum {checksums[r].item():.6f}")
        assert all(torch.equal(c, checksums[0]) for c in checksums)
        # Each process did 1/world_size of the work: half of the samples in every epoch
        assert all(s.item() == len(dataset) // world_size for s in samples_per_rank)
        print("gradients after backward() == mean of the ranks' local gradients")
        # Same samples in every global step, averaged gradients: DDP == one process with the big batch
        for p_ddp, p_single in zip(model.module.parameters(), single_model.parameters()):
            torch.testing.assert_close(p_ddp, p_single, atol=1e-4, rtol=1e-4)
        print("weights after training == a single process training on batches of 64")
        print(f"test accuracy: {ddp_acc:.3f}")
        assert ddp_acc >= 0.8
        # Wall-clock times depend on the machine and on whatever else runs on it: measured, not asserted
        print(f"measured: 1 process {single_time:.2f} s, {world_size} processes {ddp_time:.2f} s "
              f"(ratio {single_time / ddp_time:.2f})")

    # Shut down together: wait until every rank is done (rank 0 was still evaluating and printing),
    # then close the process group on every rank. A rank that tears down its connections and exits
    # while another still uses them can crash at shutdown.
    dist.barrier()
    dist.destroy_process_group()
    # Even so, with torch 2.14.1 and gloo a rank still aborted now and then while the interpreter was
    # exiting, after all of the above (a C++ object torn down at exit). Nothing is left to do or to
    # send, so the worker flushes its output and ends at once, skipping that teardown.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if "LOCAL_RANK" in os.environ:  # started by torchrun: this process is one of the workers
    worker()
else:  # started as `python distributed_ddp.py`: start torchrun, which starts the workers
    launch()
