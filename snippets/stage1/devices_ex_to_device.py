# exercise added by this site (lesson 1.3): move a whole nested batch to a device
import torch

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


def to_device(batch, device):
    """Move every tensor in a nested dict / list / tuple to `device`; leave everything else alone."""
    if isinstance(batch, torch.Tensor):
        return batch.to(device)
    if isinstance(batch, dict):
        return {key: to_device(value, device) for key, value in batch.items()}
    if isinstance(batch, (list, tuple)):
        return type(batch)(to_device(value, device) for value in batch)
    return batch  # strings, numbers, None: not tensors, nothing to move


torch.manual_seed(0)
batch = {
    "image": torch.rand(4, 3, 8, 8),
    "label": torch.tensor([0, 1, 1, 0]),
    "extras": [torch.zeros(4), ("a caption", torch.ones(2, 2))],
    "id": 17,
}
moved = to_device(batch, device)


def leaves(tree):
    if isinstance(tree, dict):
        tree = list(tree.values())
    if isinstance(tree, (list, tuple)):
        return [leaf for value in tree for leaf in leaves(value)]
    return [tree]


tensors = [leaf for leaf in leaves(moved) if isinstance(leaf, torch.Tensor)]
print(f"moved {len(tensors)} tensors to {device}; the rest kept: {moved['id']}, '{moved['extras'][1][0]}'")
assert len(tensors) == 4 and all(t.device.type == device.type for t in tensors)
assert isinstance(moved["extras"][1], tuple) and moved["id"] == 17  # containers and plain values kept
assert torch.equal(moved["image"].cpu(), batch["image"])  # same values, only the place changed
