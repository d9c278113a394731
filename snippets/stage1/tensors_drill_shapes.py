# exercise added by this site (lesson 1.2): predict shapes by hand, then check them
import torch

x = torch.zeros(2, 3, 4)
# Each prediction was written down BEFORE running the line next to it
predictions = {
    "x[0]": ((3, 4), x[0]),                                  # one index removes dimension 0
    "x[:, 1]": ((2, 4), x[:, 1]),                            # an integer index removes its dimension
    "x[:, 1:2]": ((2, 1, 4), x[:, 1:2]),                     # a slice keeps it
    "x[..., :2]": ((2, 3, 2), x[..., :2]),                   # ... stands for all leading dimensions
    "x.sum(dim=1)": ((2, 4), x.sum(dim=1)),                  # dim 1 disappears
    "x.mean(dim=-1, keepdim=True)": ((2, 3, 1), x.mean(dim=-1, keepdim=True)),
    "x.permute(2, 0, 1)": ((4, 2, 3), x.permute(2, 0, 1)),
    "x.reshape(-1, 4)": ((6, 4), x.reshape(-1, 4)),          # -1: whatever makes 24 elements fit
    "x.unsqueeze(1)": ((2, 1, 3, 4), x.unsqueeze(1)),
    "torch.cat([x, x], dim=2)": ((2, 3, 8), torch.cat([x, x], dim=2)),
    "torch.stack([x, x])": ((2, 2, 3, 4), torch.stack([x, x])),
    "x @ torch.zeros(4, 5)": ((2, 3, 5), x @ torch.zeros(4, 5)),  # a batch of (3, 4) @ (4, 5)
}
for expression, (predicted, result) in predictions.items():
    print(f"{expression:30} -> {tuple(result.shape)}")
    assert tuple(result.shape) == predicted, expression
print(f"all {len(predictions)} predictions right")
