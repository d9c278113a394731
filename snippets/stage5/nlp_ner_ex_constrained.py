# exercise added by this site (lesson 5.2): forbid impossible tag transitions (O -> I-X) in Viterbi decoding
import itertools

import torch

torch.manual_seed(0)
TAGS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]


def allowed(prev, tag):
    """I-X may only follow B-X or I-X."""
    return not tag.startswith("I-") or prev[2:] == tag[2:] and prev != "O"


def viterbi(emissions, transitions, start):
    """Best tag path: emissions (T, K), transitions[i, j] = score of tag i -> tag j, start (K,)."""
    score, back = start + emissions[0], []
    for emission in emissions[1:]:
        total = score[:, None] + transitions + emission[None, :]   # (previous tag, next tag)
        score, best_prev = total.max(0)
        back.append(best_prev)
    path = [int(score.argmax())]
    for best_prev in reversed(back):
        path.append(int(best_prev[path[-1]]))
    return path[::-1]


# Constraints as scores: -10,000 for a forbidden transition (and for starting with I-X).
transitions = torch.randn(len(TAGS), len(TAGS))
start = torch.zeros(len(TAGS))
for i, prev in enumerate(TAGS):
    for j, tag in enumerate(TAGS):
        if not allowed(prev, tag):
            transitions[i, j] = -1e4
for j, tag in enumerate(TAGS):
    if tag.startswith("I-"):
        start[j] = -1e4

all_paths = torch.tensor(list(itertools.product(range(len(TAGS)), repeat=6)))  # (15625, 6)
for trial in range(50):
    emissions = torch.randn(6, len(TAGS)) * 3   # emissions that often "want" an illegal I- tag
    path = viterbi(emissions, transitions, start)
    tags = [TAGS[i] for i in path]
    assert not tags[0].startswith("I-") and all(allowed(a, b) for a, b in zip(tags, tags[1:])), tags
    # Viterbi finds the best-scoring path: the same one a brute-force search over all 5^6 paths finds.
    scores = (start[all_paths[:, 0]] + emissions[torch.arange(6), all_paths].sum(1)
              + transitions[all_paths[:, :-1], all_paths[:, 1:]].sum(1))
    assert all_paths[scores.argmax()].tolist() == path
    if trial < 3:
        print(" ".join(tags))
print("50 random sentences: every decoded path is legal and equals the brute-force best path")
