# roadmap 1.2.4: arithmetic, matrix products and reductions
import torch

torch.manual_seed(0)

x = torch.tensor([1.0, 2.0, 3.0])
y = torch.tensor([4.0, 5.0, 6.0])

# Element-wise operations pair up elements at the same position.
add = x + y
sub = x - y
mul = x * y
div = x / y
power = x ** 2
print("x + y =", add, "| x * y =", mul, "| x ** 2 =", power)

# Matrix multiplication: (3, 4) @ (4, 2) -> (3, 2); the inner sizes must match.
A = torch.rand(3, 4)
B = torch.rand(4, 2)
matmul = torch.matmul(A, B)
matmul_operator = A @ B  # the same thing
print("A @ B has shape", tuple(matmul.shape))

# Reductions collapse all elements, or one dimension.
tensor = torch.tensor([[1.0, 7.0, 3.0, 4.0],
                       [5.0, 2.0, 8.0, 0.0],
                       [6.0, 9.0, 2.0, 1.0]])
sum_all = tensor.sum()
sum_dim0 = tensor.sum(dim=0)  # down the columns -> one value per column
mean_val = tensor.mean()
max_val = tensor.max()
min_val = tensor.min()
argmax = tensor.argmax()      # index into the flattened tensor
print(f"sum={sum_all.item()}  sum(dim=0)={sum_dim0.tolist()}  mean={mean_val.item():.3f}")
print(f"max={max_val.item()}  min={min_val.item()}  argmax={argmax.item()} "
      f"(row {argmax.item() // 4}, column {argmax.item() % 4})")

assert add.tolist() == [5.0, 7.0, 9.0] and sub.tolist() == [-3.0, -3.0, -3.0]
assert mul.tolist() == [4.0, 10.0, 18.0] and torch.allclose(div, torch.tensor([0.25, 0.4, 0.5]))
assert torch.equal(matmul, matmul_operator) and matmul.shape == (3, 2)
assert sum_all == 48 and sum_dim0.tolist() == [12.0, 18.0, 13.0, 5.0]
assert max_val == 9 and min_val == 0 and argmax == 9
