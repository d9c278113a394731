# exercise added by this site (lesson 5.3): top-N recommendation with a matrix-factorization score
import torch

torch.manual_seed(0)
n_users, n_items, dim = 4, 6, 3
user_emb = torch.randn(n_users, dim)
item_emb = torch.randn(n_items, dim)
item_bias = torch.randn(n_items)
already_seen = {0: [1, 4]}   # user 0 has interacted with items 1 and 4

user = 0
# The MF score of (u, i) is <p_u, q_i> + b_i (a user bias shifts every item equally: it cannot change a ranking).
scores = item_emb @ user_emb[user] + item_bias
scores[already_seen[user]] = float("-inf")      # never recommend what the user already has
top3 = scores.topk(3).indices.tolist()
print("scores:", [round(s, 2) for s in scores.tolist()])
print("top 3 for user 0:", top3)

# The same ranking by hand: sort the unseen items by score.
by_hand = sorted((i for i in range(n_items) if i not in already_seen[user]),
                 key=lambda i: float(item_emb[i] @ user_emb[user] + item_bias[i]), reverse=True)[:3]
assert top3 == by_hand
assert not set(top3) & set(already_seen[user])
