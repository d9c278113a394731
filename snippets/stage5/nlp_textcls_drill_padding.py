# exercise added by this site (lesson 5.2): pad a batch of reviews, build its mask and lengths, pack it
import torch
from torch.nn.utils.rnn import pack_padded_sequence

PAD = 0
reviews = ["好书", "质量很差", "还行吧，物流很快"]
vocab = {ch: i for i, ch in enumerate(sorted({ch for r in reviews for ch in r}), start=1)}  # 0 is padding

# One row per review, padded on the right to the longest one.
longest = max(len(r) for r in reviews)
ids = torch.full((len(reviews), longest), PAD)
for row, review in enumerate(reviews):
    ids[row, : len(review)] = torch.tensor([vocab[ch] for ch in review])
mask = ids != PAD              # True where there is a real character
lengths = mask.sum(dim=1)      # how far each review really goes
print(ids)
print("lengths:", lengths.tolist())

assert ids.shape == (3, 8)
assert lengths.tolist() == [2, 4, 8]
assert mask.sum().item() == 2 + 4 + 8      # every real character counted once, no padding

# Packing removes the padding: at time step t the RNN sees only the reviews still running.
embedded = torch.nn.Embedding(len(vocab) + 1, 4, padding_idx=PAD)(ids)
packed = pack_padded_sequence(embedded, lengths, batch_first=True, enforce_sorted=False)
print("reviews still running at each step:", packed.batch_sizes.tolist())
assert packed.batch_sizes.tolist() == [(lengths > t).sum().item() for t in range(longest)]
assert packed.data.shape[0] == lengths.sum().item()   # the packed data holds exactly the real characters
