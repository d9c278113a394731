# exercise added by this site (lesson 1.4): predict broadcast shapes (or an error) by hand
import torch

# Each prediction was written down BEFORE running: a shape, or "error"
predictions = [
    ((5, 3), (3,), (5, 3)),
    ((5, 3), (5,), "error"),          # aligned from the right: 3 against 5
    ((5, 3), (5, 1), (5, 3)),
    ((4, 1, 6), (5, 1), (4, 5, 6)),
    ((2, 3, 4), (3, 1, 4), "error"),  # 2 against 3: neither is 1
    ((1,), (7, 1, 1), (7, 1, 1)),
    ((), (2, 3), (2, 3)),             # a 0-dim tensor broadcasts with anything
    ((8, 1, 10), (1, 10, 1), (8, 10, 10)),
]
for a, b, predicted in predictions:
    try:
        result = tuple(torch.broadcast_shapes(a, b))
    except RuntimeError:
        result = "error"
    print(f"{str(a):10} with {str(b):10} -> {result}")
    assert result == predicted, (a, b)
    if result != "error":  # and a real operation agrees
        assert (torch.ones(a) * torch.ones(b)).shape == result
print(f"all {len(predictions)} predictions right")
