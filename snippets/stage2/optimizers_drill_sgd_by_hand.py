# exercise added by this site (lesson 2.3): SGD with momentum and Nesterov by hand, checked against torch.optim.SGD
import torch

torch.manual_seed(0)
lr, mu, wd = 0.1, 0.9, 0.01
target = torch.randn(5)


def grad_of(p):
    return 2 * (p - target) * torch.arange(1, 6)  # gradient of sum(i * (p_i - t_i)^2)


for nesterov in (False, True):
    p_torch = torch.zeros(5, requires_grad=True)
    optimizer = torch.optim.SGD([p_torch], lr=lr, momentum=mu, weight_decay=wd, nesterov=nesterov)
    p, buf = torch.zeros(5), None
    for step in range(10):
        # torch.optim.SGD
        optimizer.zero_grad()
        ((p_torch - target) ** 2 * torch.arange(1, 6)).sum().backward()
        optimizer.step()
        # by hand, the way PyTorch writes it: the velocity holds gradients, lr multiplies it
        g = grad_of(p) + wd * p  # weight decay enters the gradient (L2)
        buf = g.clone() if buf is None else mu * buf + g  # first step: buf = g
        step_direction = g + mu * buf if nesterov else buf  # Nesterov looks one velocity ahead
        p = p - lr * step_direction
    torch.testing.assert_close(p, p_torch.detach())
    print(f"nesterov={nesterov!s:5}: by hand == torch.optim.SGD after 10 steps, p = {p.numpy().round(4)}")
