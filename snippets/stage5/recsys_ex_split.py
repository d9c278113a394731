# exercise added by this site (lesson 5.3): a leave-one-out split by time from a MovieLens u.data file
import numpy as np

rng = np.random.default_rng(0)

# Write a small file in MovieLens 100K's u.data format: user id, item id, rating, timestamp, tab-separated.
lines = []
for user in range(1, 51):
    items = rng.choice(np.arange(1, 201), size=rng.integers(5, 30), replace=False)
    stamps = 874_724_710 + rng.choice(18_561_928, size=len(items), replace=False)  # distinct times
    for item, stamp in zip(items, stamps):
        lines.append(f"{user}\t{item}\t{rng.integers(1, 6)}\t{stamp}")
with open("u.data", "w") as f:
    f.write("\n".join(lines) + "\n")

ratings = np.loadtxt("u.data", dtype=np.int64)   # the same line the full-size loader uses
users, items, stamps = ratings[:, 0], ratings[:, 1], ratings[:, 3]

# Each user's most recent rating is the test item; everything before it is training data.
# Sorting by (user, time) puts each user's latest rating last in its group.
order = np.lexsort((stamps, users))
users, items, stamps = users[order], items[order], stamps[order]
is_last = np.append(users[1:] != users[:-1], True)
train_pairs = list(zip(users[~is_last].tolist(), items[~is_last].tolist()))
test_pairs = list(zip(users[is_last].tolist(), items[is_last].tolist()))
print(f"{len(ratings)} ratings from {len(np.unique(users))} users: {len(train_pairs)} train, {len(test_pairs)} test")

assert len(test_pairs) == len(np.unique(users))        # exactly one test item per user
# leak check: no (user, item) pair is both a training pair and a test pair.
assert not set(train_pairs) & set(test_pairs)
last_train_time = {u: s for u, s in zip(users[~is_last].tolist(), stamps[~is_last].tolist())}
assert all(last_train_time[u] < s for u, s in zip(users[is_last].tolist(), stamps[is_last].tolist()))  # test is the future
