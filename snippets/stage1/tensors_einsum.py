# einsum: name every dimension with a letter; letters missing from the output are summed over
import torch

torch.manual_seed(0)
A = torch.randn(3, 4)
B = torch.randn(4, 5)
v = torch.randn(4)

cases = {
    "ij,jk->ik   (matrix product)": (torch.einsum("ij,jk->ik", A, B), A @ B),
    "ij->ji      (transpose)": (torch.einsum("ij->ji", A), A.T),
    "ij->i       (row sums)": (torch.einsum("ij->i", A), A.sum(dim=1)),
    "ij,j->i     (matrix-vector)": (torch.einsum("ij,j->i", A, v), A @ v),
    "i,i->       (dot product)": (torch.einsum("i,i->", v, v), v.dot(v)),
    "i,j->ij     (outer product)": (torch.einsum("i,j->ij", v, v), torch.outer(v, v)),
    "ii->        (trace)": (torch.einsum("ii->", B[:, :4]), B[:, :4].trace()),
}
for name, (ours, reference) in cases.items():
    print(f"{name}  shape {tuple(ours.shape)}")
    torch.testing.assert_close(ours, reference)

# Where einsum shines: attention scores for a batch of heads, without reshapes and transposes
batch, heads, seq, dim = 2, 4, 6, 8
q = torch.randn(batch, heads, seq, dim)
k = torch.randn(batch, heads, seq, dim)
scores = torch.einsum("bhqd,bhkd->bhqk", q, k)  # every query against every key
print("attention scores:", tuple(scores.shape))
torch.testing.assert_close(scores, q @ k.transpose(-2, -1))
print("every einsum matches its explicit equivalent")
