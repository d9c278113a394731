# roadmap 2.1.4 (practice): linear regression from scratch with autograd
import matplotlib.pyplot as plt
import torch

torch.manual_seed(0)


class LinearRegression:
    def __init__(self, input_dim):
        self.w = torch.randn(input_dim, 1, requires_grad=True)
        self.b = torch.zeros(1, requires_grad=True)

    def forward(self, x):
        return torch.matmul(x, self.w) + self.b

    def train(self, X, y, lr=0.1, epochs=100, verbose=True):
        losses = []
        for epoch in range(epochs):
            # Forward pass
            y_pred = self.forward(X)
            loss = ((y_pred - y) ** 2).mean()

            # Backward pass
            loss.backward()

            # Update the parameters; no_grad so the update itself is not recorded
            with torch.no_grad():
                self.w -= lr * self.w.grad
                self.b -= lr * self.b.grad

                # Zero the gradients for the next epoch
                self.w.grad.zero_()
                self.b.grad.zero_()

            losses.append(loss.item())
            if verbose and (epoch + 1) % 20 == 0:
                print(f"Epoch [{epoch + 1}/{epochs}], Loss: {loss.item():.4f}")
        return losses


# Synthetic data with known answers: y = X @ true_w + true_b + a little noise
X = torch.randn(100, 3)
true_w = torch.tensor([[2.0], [-3.4], [1.5]])
true_b = torch.tensor([4.2])
y = torch.matmul(X, true_w) + true_b + torch.randn(100, 1) * 0.1

model = LinearRegression(3)
losses = model.train(X, y)

learned_w = ", ".join(f"{v:.4f}" for v in model.w.detach().flatten().tolist())
print(f"learned w = [{learned_w}]   true w = [2.0, -3.4, 1.5]")
print(f"learned b = {model.b.item():.4f}   true b = 4.2")
torch.testing.assert_close(model.w.detach(), true_w, atol=0.05, rtol=0)
torch.testing.assert_close(model.b.detach(), true_b, atol=0.05, rtol=0)
assert (model.w.detach() - true_w).abs().max() < 0.05 and (model.b.detach() - true_b).abs().max() < 0.05
# The loss levels off at the noise level (variance 0.1**2 = 0.01): it ends below 0.02 and
# changes by less than 0.0001 over the last 20 epochs
print(f"final loss {losses[-1]:.4f}, change over the last 20 epochs {abs(losses[-1] - losses[-21]):.1e}")
assert 0.005 < losses[-1] < 0.02 and abs(losses[-1] - losses[-21]) < 1e-4

# The roadmap's lr=0.01 is too small for 100 epochs; lr=1.5 is too large and diverges.
torch.manual_seed(0)
slow = LinearRegression(3)
slow.train(X, y, lr=0.01, verbose=False)
slow_error = (slow.w.detach() - true_w).abs().max().item()
torch.manual_seed(0)
fast = LinearRegression(3)
fast_losses = fast.train(X, y, lr=1.5, epochs=20, verbose=False)
print(f"lr=0.01: largest weight error after 100 epochs {slow_error:.2f}")
print(f"lr=1.5: loss {fast_losses[0]:.1f} at epoch 1, {fast_losses[-1]:.1e} at epoch 20")
assert slow_error > 0.3
assert len(fast_losses) == 20 and fast_losses[-1] > 1000 * fast_losses[0]
# Why 1.5 is too large: gradient descent on a quadratic is stable only for lr < 2 / (largest curvature),
# the top eigenvalue of the loss's Hessian, here 2/N [X 1]^T [X 1]
X1 = torch.cat([X, torch.ones(len(X), 1)], dim=1)
max_stable_lr = 2 / torch.linalg.eigvalsh(2 * X1.T @ X1 / len(X)).max().item()
print(f"largest stable learning rate for this data: {max_stable_lr:.2f}")
assert 0.1 < max_stable_lr < 1.5

plt.figure(figsize=(8, 4))
plt.plot(range(1, len(losses) + 1), losses)
plt.yscale("log")
plt.title("Linear regression from scratch: training loss")
plt.xlabel("epoch")
plt.ylabel("MSE loss (log scale)")
plt.grid(True, alpha=0.3)
plt.show()
