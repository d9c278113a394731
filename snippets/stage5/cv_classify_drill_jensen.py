# exercise added by this site (lesson 5.1): averaging probabilities never raises NLL, but can lower accuracy
import torch
import torch.nn.functional as F

torch.manual_seed(0)
# 1. NLL: for any members and any labels, the NLL of the mean probability <= the mean of the members' NLLs.
for _ in range(100):
    probs = torch.softmax(torch.randn(3, 50, 10) * 3, dim=-1)  # 3 members, 50 images, 10 classes
    y = torch.randint(10, (50,))
    member_nll = torch.stack([F.nll_loss(p.log(), y) for p in probs])
    ensemble_nll = F.nll_loss(probs.mean(0).log(), y)
    assert ensemble_nll <= member_nll.mean() + 1e-6  # -log is convex: Jensen's inequality

# 2. Accuracy: three members on two images (true class 0 for both), two classes.
probs = torch.tensor([
    [[0.9, 0.1], [0.9, 0.1]],    # member A: right on both images (accuracy 1.0)
    [[0.0, 1.0], [0.55, 0.45]],  # member B: wrong, very sure, on image 1; right on image 2
    [[0.0, 1.0], [0.4, 0.6]],    # member C: wrong on both, very sure on image 1
])
y = torch.tensor([0, 0])
member_acc = (probs.argmax(-1) == y).float().mean(1)
ensemble_acc = (probs.mean(0).argmax(-1) == y).float().mean()
print("members:", member_acc.tolist(), "ensemble:", ensemble_acc.item())
assert member_acc.max() == 1.0 and ensemble_acc == 0.5  # worse than the best member
assert ensemble_acc >= member_acc.mean()  # (here still not below the average member)
