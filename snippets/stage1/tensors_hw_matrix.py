# roadmap 1.2 homework 1: transpose, determinant and eigenvalues of a random 5x5 matrix
import torch

torch.manual_seed(0)

# float64 keeps the checks below tight; float32 would need looser tolerances.
matrix = torch.randn(5, 5, dtype=torch.float64)

transposed = matrix.T
determinant = torch.linalg.det(matrix)
# A general real matrix can have complex eigenvalues (in conjugate pairs), so eigvals is complex.
eigenvalues = torch.linalg.eigvals(matrix)

torch.set_printoptions(precision=3, sci_mode=False)
print("matrix:\n", matrix)
print("transpose:\n", transposed)
print(f"determinant: {determinant.item():.4f}")
print("eigenvalues:", eigenvalues)

# Checks that tie the three together.
assert torch.equal(transposed.T, matrix) and transposed[1, 3] == matrix[3, 1]
# The determinant is the product of the eigenvalues, the trace their sum.
assert torch.allclose(eigenvalues.prod().real, determinant)
assert torch.allclose(eigenvalues.sum().real, matrix.trace())
# A matrix and its transpose share determinant and eigenvalues.
assert torch.allclose(torch.linalg.det(transposed), determinant)
# For a symmetric matrix use eigvalsh: its eigenvalues are real and come back sorted.
symmetric = matrix + matrix.T
real_eigenvalues = torch.linalg.eigvalsh(symmetric)
print("eigenvalues of the symmetric matrix A + A^T:", real_eigenvalues)
assert torch.all(real_eigenvalues[1:] >= real_eigenvalues[:-1])
