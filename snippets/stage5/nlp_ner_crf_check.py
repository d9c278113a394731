# roadmap 5.2 (project 2): a linear-chain CRF layer, checked against brute-force enumeration
import itertools

import torch
import torch.nn as nn

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


class CRF(nn.Module):
    """Linear-chain CRF over emission scores (batch, time, tags); mask marks the real tokens."""

    def __init__(self, num_tags):
        super().__init__()
        self.transitions = nn.Parameter(torch.randn(num_tags, num_tags) * 0.1)  # [from, to]
        self.start = nn.Parameter(torch.randn(num_tags) * 0.1)
        self.end = nn.Parameter(torch.randn(num_tags) * 0.1)

    def path_score(self, emissions, tags, mask):
        # score(y) = start[y0] + sum_t emission[t, y_t] + sum_t transition[y_{t-1}, y_t] + end[y_last]
        batch = torch.arange(emissions.size(0), device=emissions.device)
        score = self.start[tags[:, 0]] + emissions[batch, 0, tags[:, 0]]
        for t in range(1, emissions.size(1)):
            step = self.transitions[tags[:, t - 1], tags[:, t]] + emissions[batch, t, tags[:, t]]
            score = score + step * mask[:, t]
        last = tags.gather(1, (mask.sum(1, keepdim=True) - 1).long()).squeeze(1)
        return score + self.end[last]

    def log_partition(self, emissions, mask):
        # Forward algorithm: alpha[j] = log sum over all paths that end in tag j at time t.
        alpha = self.start + emissions[:, 0]
        for t in range(1, emissions.size(1)):
            # (B, from, 1) + (from, to) + (B, 1, to) -> sum out "from"
            nxt = torch.logsumexp(alpha.unsqueeze(2) + self.transitions + emissions[:, t].unsqueeze(1), dim=1)
            alpha = torch.where(mask[:, t].unsqueeze(1).bool(), nxt, alpha)  # padding: carry alpha on
        return torch.logsumexp(alpha + self.end, dim=1)

    def neg_log_likelihood(self, emissions, tags, mask):
        return (self.log_partition(emissions, mask) - self.path_score(emissions, tags, mask)).mean()

    @torch.no_grad()
    def decode(self, emissions, mask):
        # Viterbi: the same recursion with max instead of logsumexp, remembering the argmax.
        score = self.start + emissions[:, 0]
        backpointers = []
        for t in range(1, emissions.size(1)):
            best, idx = (score.unsqueeze(2) + self.transitions + emissions[:, t].unsqueeze(1)).max(dim=1)
            score = torch.where(mask[:, t].unsqueeze(1).bool(), best, score)
            backpointers.append(idx)
        score = score + self.end
        lengths = mask.sum(1).long().tolist()
        paths = []
        for b, length in enumerate(lengths):
            tag = score[b].argmax().item()
            path = [tag]
            for t in range(length - 1, 0, -1):   # walk back from the sequence's own last token
                tag = backpointers[t - 1][b, tag].item()
                path.append(tag)
            paths.append(path[::-1])
        return paths


# --- Check on a tiny problem where every tag sequence can be listed --------------------------
num_tags, max_len = 3, 4
crf = CRF(num_tags).to(device)
emissions = torch.randn(2, max_len, num_tags, device=device)
mask = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]], device=device)  # second sequence has length 3

log_z = crf.log_partition(emissions, mask)
for b, length in enumerate(mask.sum(1).tolist()):
    all_paths = torch.tensor(list(itertools.product(range(num_tags), repeat=length)), device=device)
    n = len(all_paths)
    scores = crf.path_score(emissions[b:b + 1, :length].expand(n, -1, -1), all_paths,
                            torch.ones(n, length, device=device))
    brute_log_z = torch.logsumexp(scores, dim=0)
    brute_best = all_paths[scores.argmax()].tolist()
    viterbi_best = crf.decode(emissions[b:b + 1], mask[b:b + 1])[0]
    print(f"sequence {b} (length {length}): {n} paths | log Z forward {log_z[b].item():.5f} "
          f"brute force {brute_log_z.item():.5f} | best path Viterbi {viterbi_best} brute force {brute_best}")
    torch.testing.assert_close(log_z[b], brute_log_z)
    assert viterbi_best == brute_best

# The likelihood of every path sums to 1, so the NLL of any path is positive.
tags = torch.randint(0, num_tags, (2, max_len), device=device)
nll = crf.neg_log_likelihood(emissions, tags, mask)
print(f"negative log-likelihood of a random tagging: {nll.item():.4f}")
assert nll.item() > 0
nll.backward()  # and it is differentiable, so a network below the CRF can learn from it
assert crf.transitions.grad is not None
print("forward algorithm and Viterbi agree with brute force")
