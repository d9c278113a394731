# FSDP2 (fully_shard): each process stores only a shard of every parameter, gathered layer by layer when needed
import math
import os
import socket
import subprocess
import sys

import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F
from torch.distributed.device_mesh import init_device_mesh
from torch.distributed.fsdp import fully_shard

# One process per GPU (NCCL); without CUDA, 2 CPU processes with gloo run the same code and shard the same way
USE_CUDA = torch.cuda.is_available()
WORLD_SIZE = torch.cuda.device_count() if USE_CUDA else 2


def launch():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, OMP_NUM_THREADS="1", GLOO_SOCKET_IFNAME="lo0" if sys.platform == "darwin" else "lo")
    command = [sys.executable, "-m", "torch.distributed.run", f"--nproc_per_node={WORLD_SIZE}",
               "--master_addr=127.0.0.1", f"--master_port={port}", os.path.abspath(__file__)]
    result = subprocess.run(command, env=env)
    assert result.returncode == 0, f"torchrun failed with exit code {result.returncode}"


class Block(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.norm = nn.LayerNorm(width)
        self.ff = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(), nn.Linear(4 * width, width))

    def forward(self, x):
        return x + self.ff(self.norm(x))


def worker():
    local_rank = int(os.environ["LOCAL_RANK"])
    if USE_CUDA:
        torch.cuda.set_device(local_rank)
    device = torch.device("cuda", local_rank) if USE_CUDA else torch.device("cpu")
    dist.init_process_group(backend="nccl" if USE_CUDA else "gloo")
    rank, world_size = dist.get_rank(), dist.get_world_size()
    mesh = init_device_mesh(device.type, (world_size,))  # a 1-D mesh: plain data parallel sharding

    torch.manual_seed(0)
    width = 128
    model = nn.Sequential(*[Block(width) for _ in range(4)], nn.Linear(width, 10)).to(device)
    full_shapes = {name: tuple(p.shape) for name, p in model.named_parameters()}
    total_params = sum(p.numel() for p in model.parameters())

    # Shard every block on its own (so only one block is gathered at a time), then the root
    for block in model[:-1]:
        fully_shard(block, mesh=mesh)
    fully_shard(model, mesh=mesh)

    # Parameters are now DTensors: each rank holds 1/world_size of dim 0 of every parameter
    name, param = "0.ff.0.weight", dict(model.named_parameters())["0.ff.0.weight"]
    local_params = sum(p.to_local().numel() for p in model.parameters())
    assert tuple(param.shape) == full_shapes[name]
    assert param.to_local().shape[0] == math.ceil(full_shapes[name][0] / world_size)

    # The optimizer is created *after* sharding, so its state is sharded too
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    generator = torch.Generator().manual_seed(rank)  # each rank draws its own data
    teacher = torch.randn(width, 10, generator=torch.Generator().manual_seed(0))
    losses = []
    for step in range(50):
        x = torch.randn(64, width, generator=generator)
        y = (x @ teacher).argmax(1)  # a learnable synthetic task
        x, y = x.to(device), y.to(device)
        loss = F.cross_entropy(model(x), y)  # forward all-gathers each block's weights just in time
        optimizer.zero_grad()
        loss.backward()  # backward reduce-scatters the gradients: each rank keeps its shard's
        optimizer.step()
        losses.append(loss.item())

    if rank == 0:
        print(f"{world_size} rank(s) on {device.type}; full parameter {name}: {full_shapes[name]}, "
              f"local shard on rank 0: {tuple(param.to_local().shape)}")
        print(f"parameters stored on rank 0: {local_params:,} of {total_params:,}")
        print(f"loss: step 1 {losses[0]:.3f} -> step 50 {losses[-1]:.3f}")
        assert losses[-1] < 0.5 * losses[0]
    dist.barrier()  # every rank is done before any rank tears down the process group
    dist.destroy_process_group()


if "LOCAL_RANK" in os.environ:
    worker()
else:
    launch()
