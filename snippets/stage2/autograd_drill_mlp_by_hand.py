# exercise added by this site (lesson 2.1): backpropagation through a 2-layer MLP by hand, checked against autograd
import torch

torch.manual_seed(0)
X = torch.randn(8, 3, dtype=torch.float64)  # 8 samples, 3 features
Y = torch.randn(8, 2, dtype=torch.float64)  # 2 targets each
W1 = torch.randn(3, 4, dtype=torch.float64, requires_grad=True)
b1 = torch.zeros(4, dtype=torch.float64, requires_grad=True)
W2 = torch.randn(4, 2, dtype=torch.float64, requires_grad=True)
b2 = torch.zeros(2, dtype=torch.float64, requires_grad=True)

# Forward pass, keeping every intermediate value the backward pass needs
Z = X @ W1 + b1  # (8, 4) pre-activations
H = Z.clamp(min=0)  # ReLU
out = H @ W2 + b2  # (8, 2)
loss = ((out - Y) ** 2).mean()

# Backward pass by hand: the chain rule, from the loss back to every parameter
d_out = 2 * (out - Y) / out.numel()  # d mean((out - Y)^2) / d out
d_W2 = H.T @ d_out  # out = H W2 + b2
d_b2 = d_out.sum(0)  # b2 is added to every row
d_H = d_out @ W2.T
d_Z = d_H * (Z > 0)  # ReLU passes the gradient where its input was positive
d_W1 = X.T @ d_Z
d_b1 = d_Z.sum(0)

loss.backward()
for name, by_hand, param in [("W1", d_W1, W1), ("b1", d_b1, b1), ("W2", d_W2, W2), ("b2", d_b2, b2)]:
    torch.testing.assert_close(by_hand, param.grad)
    print(f"d loss / d {name}: shape {tuple(by_hand.shape)}, matches autograd")
print(f"loss = {loss.item():.4f}; every hand-derived gradient equals autograd's")
