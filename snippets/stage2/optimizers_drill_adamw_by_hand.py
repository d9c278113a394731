# exercise added by this site (lesson 2.3): AdamW by hand (decoupled weight decay), and why Adam(weight_decay) differs
import math

import torch

torch.manual_seed(0)
lr, beta1, beta2, eps, wd = 0.01, 0.9, 0.999, 1e-8, 0.1
target = torch.randn(4)
start = torch.randn(4)


def loss_fn(p):
    return ((p - target) ** 2 * torch.tensor([1.0, 10.0, 100.0, 1000.0])).sum()


def run_torch(optimizer_class, steps=20):
    p = start.clone().requires_grad_(True)
    optimizer = optimizer_class([p], lr=lr, betas=(beta1, beta2), eps=eps, weight_decay=wd)
    for _ in range(steps):
        optimizer.zero_grad()
        loss_fn(p).backward()
        optimizer.step()
    return p.detach()


# AdamW by hand (Loshchilov & Hutter, 2019): shrink the weights directly, then take the Adam step
p, m, v = start.clone(), torch.zeros(4), torch.zeros(4)
for t in range(1, 21):
    q = p.clone().requires_grad_(True)
    loss_fn(q).backward()
    g = q.grad
    p = p * (1 - lr * wd)  # decoupled decay: not part of the gradient, so not rescaled by Adam
    m = beta1 * m + (1 - beta1) * g  # running mean of the gradient
    v = beta2 * v + (1 - beta2) * g**2  # running mean of its square
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)  # bias correction for the zero start
    p = p - lr * m_hat / (v_hat.sqrt() + eps)

adamw, adam_l2 = run_torch(torch.optim.AdamW), run_torch(torch.optim.Adam)
torch.testing.assert_close(p, adamw)
print(f"AdamW by hand == torch.optim.AdamW after 20 steps: {adamw.numpy().round(4)}")
# Adam(weight_decay) adds wd * p to the GRADIENT: the decay then goes through m and v and is
# divided by sqrt(v), so weights with large gradients are barely decayed. The results differ.
print(f"Adam(weight_decay=0.1) instead:                   {adam_l2.numpy().round(4)}")
assert not torch.allclose(adam_l2, adamw, atol=1e-3)
assert math.isclose(1 - lr * wd, 0.999)  # each AdamW step multiplies every weight by 0.999 here
