# roadmap 5.3: top-N recommendation with matrix factorization and NeuMF vs. a popularity baseline
import math

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
rng = np.random.default_rng(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

# --- Data: implicit feedback ("user u watched item i") generated with hidden structure -------
# Each user and item gets a hidden taste vector; items also get a Zipf-like popularity, as in
# real catalogues. A user picks items with probability proportional to exp(taste match + popularity).
N_USERS, N_ITEMS, TRUE_DIM = 600, 400, 8
user_taste = rng.normal(size=(N_USERS, TRUE_DIM))
item_taste = rng.normal(size=(N_ITEMS, TRUE_DIM))
popularity = -0.6 * np.log(np.arange(1, N_ITEMS + 1))        # item 0 is the most popular
affinity = 2.0 * user_taste @ item_taste.T / math.sqrt(TRUE_DIM) + popularity
n_per_user = np.clip(rng.lognormal(mean=3.2, sigma=0.6, size=N_USERS), 8, 150).astype(int)
# Gumbel top-k = sampling n items without replacement with probability ~ exp(affinity).
gumbel = rng.gumbel(size=affinity.shape)
user_items = [np.argsort(-(affinity[u] + gumbel[u]))[: n_per_user[u]] for u in range(N_USERS)]
n_interactions = int(n_per_user.sum())
print(f"{N_USERS} users, {N_ITEMS} items, {n_interactions} interactions "
      f"(density {n_interactions / (N_USERS * N_ITEMS):.1%}, {n_per_user.min()}-{n_per_user.max()} per user)")

# --- Saved as MovieLens's u.data, then loaded with the real loader (recsys_movielens.py) ----------
# One line per interaction: user id, item id, rating, timestamp, tab-separated, ids starting at 1.
# Each user watched their items in a random order over the same months as MovieLens 100K.
with open("u.data", "w") as f:
    for u, watched in enumerate(user_items):
        stamps = 874_724_710 + np.sort(rng.choice(18_561_928, size=len(watched), replace=False))  # distinct
        for i, stamp in zip(rng.permutation(watched), stamps):
            f.write(f"{u + 1}\t{i + 1}\t{rng.integers(1, 6)}\t{stamp}\n")

ratings = np.loadtxt("u.data", dtype=np.int64)    # user, item, rating, timestamp (tab-separated)
users, items, timestamps = ratings[:, 0] - 1, ratings[:, 1] - 1, ratings[:, 3]   # ids start at 1
assert (users.max() + 1, items.max() + 1, len(ratings)) == (N_USERS, N_ITEMS, n_interactions)

# --- The standard protocol (NCF paper): leave the latest out, rank it among 99 sampled negatives ---
train_pairs, test_items, test_candidates = [], [], []
for u in range(N_USERS):
    rows = np.flatnonzero(users == u)
    rows = rows[np.argsort(timestamps[rows], kind="stable")]
    seen = items[rows]
    train_pairs += [(u, i) for i in seen[:-1]]
    negatives = rng.choice(np.setdiff1d(np.arange(N_ITEMS), seen), size=99, replace=False)
    test_items.append(seen[-1])                                         # the user's most recent item
    test_candidates.append(np.concatenate([[seen[-1]], negatives]))  # position 0 is the true item
train_pairs = torch.tensor(train_pairs)
test_candidates = torch.tensor(np.stack(test_candidates))
# leak check: no user's held-out (test) movie is among that user's training pairs.
assert not {(u, int(c[0])) for u, c in enumerate(test_candidates)} & set(map(tuple, train_pairs.tolist()))


def hr_ndcg(scores, k=10):
    """scores: (users, 100) for [held-out item, 99 negatives] -> HR@k, NDCG@k."""
    rank = (scores[:, 1:] > scores[:, :1]).sum(1)    # how many negatives beat the true item
    hit = rank < k
    return hit.float().mean().item(), (hit / torch.log2(rank.float() + 2)).mean().item()


# Baseline: recommend what most people watched.
item_counts = torch.bincount(train_pairs[:, 1], minlength=N_ITEMS).float()
results = {"Popularity": hr_ndcg(item_counts[test_candidates])}


# --- Two learned models -------------------------------------------------------------------------
class MF(nn.Module):
    """Matrix factorization: score = <p_u, q_i> + b_u + b_i."""

    def __init__(self, dim=16):
        super().__init__()
        self.user, self.item = nn.Embedding(N_USERS, dim), nn.Embedding(N_ITEMS, dim)
        self.user_bias, self.item_bias = nn.Embedding(N_USERS, 1), nn.Embedding(N_ITEMS, 1)
        for emb in (self.user, self.item):
            nn.init.normal_(emb.weight, std=0.1)
        nn.init.zeros_(self.user_bias.weight)
        nn.init.zeros_(self.item_bias.weight)

    def forward(self, u, i):
        dot = (self.user(u) * self.item(i)).sum(-1)
        return dot + self.user_bias(u).squeeze(-1) + self.item_bias(i).squeeze(-1)


class NeuMF(nn.Module):
    """Neural collaborative filtering: a GMF branch (element-wise product) and an MLP branch
    over concatenated embeddings, fused by a final linear layer (He et al., 2017)."""

    def __init__(self, dim=16, mlp_dim=32):
        super().__init__()
        self.gmf_user, self.gmf_item = nn.Embedding(N_USERS, dim), nn.Embedding(N_ITEMS, dim)
        self.mlp_user, self.mlp_item = nn.Embedding(N_USERS, mlp_dim), nn.Embedding(N_ITEMS, mlp_dim)
        for emb in (self.gmf_user, self.gmf_item, self.mlp_user, self.mlp_item):
            nn.init.normal_(emb.weight, std=0.1)
        self.mlp = nn.Sequential(nn.Linear(2 * mlp_dim, 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU())
        self.out = nn.Linear(dim + 16, 1)

    def forward(self, u, i):
        gmf = self.gmf_user(u) * self.gmf_item(i)
        mlp = self.mlp(torch.cat([self.mlp_user(u), self.mlp_item(i)], dim=-1))
        return self.out(torch.cat([gmf, mlp], dim=-1)).squeeze(-1)


@torch.no_grad()
def evaluate(model):
    model.eval()
    users = torch.arange(N_USERS).unsqueeze(1).expand_as(test_candidates)
    scores = model(users.to(device), test_candidates.to(device)).cpu()
    model.train()
    return hr_ndcg(scores)


def train(model, epochs, negatives_per_positive=4, lr=5e-3, weight_decay=1e-5):
    model.to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    history = []
    for epoch in range(epochs):
        # Implicit feedback has no explicit "dislikes": sample fresh unobserved items as negatives
        # every epoch (an occasional sampled item the user did see is the usual, tolerated noise).
        users = train_pairs[:, 0].repeat(1 + negatives_per_positive)
        items = torch.cat([train_pairs[:, 1],
                           torch.randint(0, N_ITEMS, (len(train_pairs) * negatives_per_positive,))])
        labels = torch.cat([torch.ones(len(train_pairs)), torch.zeros(len(train_pairs) * negatives_per_positive)])
        order = torch.randperm(len(users))
        for batch in order.split(1024):
            logits = model(users[batch].to(device), items[batch].to(device))
            loss = F.binary_cross_entropy_with_logits(logits, labels[batch].to(device))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        history.append(evaluate(model)[0])
    return model, history


mf, mf_history = train(MF(), epochs=15)
neumf, neumf_history = train(NeuMF(), epochs=15)
results["MF"], results["NeuMF"] = evaluate(mf), evaluate(neumf)

print(f"\n{'model':<11} {'HR@10':>6} {'NDCG@10':>8}")
for name, (hr, ndcg) in results.items():
    print(f"{name:<11} {hr:>6.3f} {ndcg:>8.3f}")

# --- Top-N recommendation for one user: best unseen items ---------------------------------
user = 7
with torch.no_grad():
    mf.eval()
    scores = mf(torch.full((N_ITEMS,), user, device=device), torch.arange(N_ITEMS, device=device)).cpu()
train_seen = [i for i in user_items[user] if i != test_items[user]]
scores[train_seen] = -float("inf")            # never recommend what the user already has
top10 = scores.topk(10).indices.tolist()
print(f"\nuser {user} has {len(train_seen)} training items; top-10 recommendations: {top10}")
print(f"held-out item {test_items[user]} is {'in' if test_items[user] in top10 else 'not in'} the top 10")

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
ax1.plot(range(1, 16), mf_history, marker="o", label="MF")
ax1.plot(range(1, 16), neumf_history, marker="o", label="NeuMF")
ax1.axhline(results["Popularity"][0], color="gray", linestyle="--", label="Popularity")
ax1.set(title="HR@10 during training", xlabel="epoch", ylabel="HR@10")
ax1.legend()
names = list(results)
x = np.arange(len(names))
ax2.bar(x - 0.2, [results[n][0] for n in names], width=0.4, label="HR@10")
ax2.bar(x + 0.2, [results[n][1] for n in names], width=0.4, label="NDCG@10")
ax2.set(title="Leave-one-out, 1 positive vs. 99 negatives", xticks=x, xticklabels=names, ylabel="score")
ax2.legend()
plt.tight_layout()
plt.show()

# Both learned models beat "recommend the most popular items", on both metrics.
for name in ("MF", "NeuMF"):
    assert results[name][0] >= results["Popularity"][0] + 0.05, results
    assert results[name][1] >= results["Popularity"][1] + 0.03, results
