# roadmap 5.3: load MovieLens 100K as implicit feedback with the leave-latest-out split (needs network)
import io
import urllib.request
import zipfile
from pathlib import Path

import numpy as np
import torch

URL = "https://files.grouplens.org/datasets/movielens/ml-100k.zip"
archive = Path("ml-100k.zip")
if not archive.exists():
    urllib.request.urlretrieve(URL, archive)   # about 5 MB

with zipfile.ZipFile(archive) as zf:
    raw = zf.read("ml-100k/u.data").decode("latin-1")
ratings = np.loadtxt(io.StringIO(raw), dtype=np.int64)    # user, item, rating, timestamp (tab-separated)
users, items, timestamps = ratings[:, 0] - 1, ratings[:, 1] - 1, ratings[:, 3]   # ids start at 1
n_users, n_items = users.max() + 1, items.max() + 1
print(f"{n_users} users, {n_items} movies, {len(ratings)} ratings")

# Implicit feedback: any rating means "watched". Each user's most recent movie is the test item.
rng = np.random.default_rng(0)
train_pairs, test_candidates = [], []
for u in range(n_users):
    rows = np.flatnonzero(users == u)
    rows = rows[np.argsort(timestamps[rows], kind="stable")]
    seen = items[rows]
    train_pairs += [(u, i) for i in seen[:-1]]
    negatives = rng.choice(np.setdiff1d(np.arange(n_items), seen), size=99, replace=False)
    test_candidates.append(np.concatenate([[seen[-1]], negatives]))
train_pairs = torch.tensor(train_pairs)
test_candidates = torch.tensor(np.stack(test_candidates))
# leak check: no user's held-out (test) movie is among that user's training pairs.
assert not {(u, int(c[0])) for u, c in enumerate(test_candidates)} & set(map(tuple, train_pairs.tolist()))
print(f"train pairs {tuple(train_pairs.shape)}, test candidates {tuple(test_candidates.shape)}")
# From here on, the training and evaluation code of recsys_ncf.py applies unchanged
# (with N_USERS, N_ITEMS = n_users, n_items).
