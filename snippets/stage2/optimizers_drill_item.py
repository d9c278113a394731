# exercise added by this site (lesson 2.3): find the bug, summing losses as tensors instead of .item()
import torch
from torch import nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 1))
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
batches = [(torch.randn(32, 20), torch.randn(32, 1)) for _ in range(50)]


def graph_size(tensor):
    """Count the autograd nodes reachable from a tensor: the graph that it keeps alive."""
    seen, stack = set(), [tensor.grad_fn]
    while stack:
        node = stack.pop()
        if node is not None and node not in seen:
            seen.add(node)
            stack.extend(next_node for next_node, _ in node.next_functions)
    return len(seen)


def epoch(use_item):
    total = 0.0
    for data, target in batches:
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(data), target)
        loss.backward()
        optimizer.step()
        total += loss.item() if use_item else loss  # the bug: `total += loss`
    return total


buggy = epoch(use_item=False)
print(f"buggy total: {type(buggy).__name__}, requires_grad={buggy.requires_grad}, "
      f"graph of {graph_size(buggy)} nodes kept alive")
# Each batch's graph (with the activations it saved) stays reachable from `total` until it is freed
assert buggy.requires_grad and graph_size(buggy) > 50 * 5

fixed = epoch(use_item=True)
print(f"fixed total: {type(fixed).__name__} = {fixed:.3f}: a plain number, no graph")
assert isinstance(fixed, float)
