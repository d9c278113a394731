# roadmap 1.2 homework 3: batched matrix multiplication of two 3D tensors
import torch

torch.manual_seed(0)

batch, n, k, m = 4, 3, 5, 2
A = torch.randn(batch, n, k)
B = torch.randn(batch, k, m)

# Three equivalent ways: bmm (3D only), matmul/@ (any batch dims), einsum (spelled out).
with_bmm = torch.bmm(A, B)
with_matmul = A @ B
with_einsum = torch.einsum("bnk,bkm->bnm", A, B)
print("A", tuple(A.shape), "@ B", tuple(B.shape), "->", tuple(with_bmm.shape))

# The same as multiplying each pair of matrices in a loop, just in one call.
with_loop = torch.stack([A[i] @ B[i] for i in range(batch)])
torch.testing.assert_close(with_bmm, with_loop)
torch.testing.assert_close(with_matmul, with_loop)
torch.testing.assert_close(with_einsum, with_loop)

# matmul also broadcasts: one (k, m) matrix applied to every matrix in the batch.
shared = torch.randn(k, m)
print("A @ shared", tuple(shared.shape), "->", tuple((A @ shared).shape))
torch.testing.assert_close(A @ shared, torch.stack([A[i] @ shared for i in range(batch)]))
print("all methods agree")
