# exercise added by this site (lesson 1.4): all pairwise distances between two point sets, no loop
import torch

torch.manual_seed(0)
points_a = torch.randn(5, 3)  # 5 points in 3-D
points_b = torch.randn(4, 3)  # 4 points in 3-D

# (5, 1, 3) - (1, 4, 3) broadcasts to (5, 4, 3): every point of a minus every point of b
differences = points_a[:, None, :] - points_b[None, :, :]
distances = differences.pow(2).sum(dim=-1).sqrt()  # (5, 4)
print("differences:", tuple(differences.shape), "-> distances:", tuple(distances.shape))
print(distances)

# The same as a double loop, and as PyTorch's own cdist
looped = torch.tensor([[torch.dist(a, b).item() for b in points_b] for a in points_a])
torch.testing.assert_close(distances, looped)
torch.testing.assert_close(distances, torch.cdist(points_a, points_b))
nearest = distances.argmin(dim=1)
print("nearest point of b for each point of a:", nearest.tolist())
assert distances.shape == (5, 4)
