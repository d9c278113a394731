# stacked Linear layers without an activation collapse into one linear map
import torch
import torch.nn as nn

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

deep_linear = nn.Sequential(nn.Linear(2, 64), nn.Linear(64, 64), nn.Linear(64, 2)).to(device)
first, second, third = deep_linear

# y = W3 (W2 (W1 x + b1) + b2) + b3 = (W3 W2 W1) x + (W3 W2 b1 + W3 b2 + b3)
with torch.no_grad():
    W = third.weight @ second.weight @ first.weight
    b = third.weight @ (second.weight @ first.bias + second.bias) + third.bias
    single = nn.Linear(2, 2).to(device)
    single.weight.copy_(W)
    single.bias.copy_(b)

    x = torch.randn(1000, 2, device=device)
    print("composed weight", tuple(W.shape), "composed bias", tuple(b.shape))
    print("largest difference between the 3-layer stack and the single layer:",
          f"{(deep_linear(x) - single(x)).abs().max().item():.1e}")
    assert W.shape == (2, 2) and b.shape == (2,)
    assert torch.allclose(deep_linear(x), single(x), atol=1e-5)

    # One ReLU in between breaks the collapse: no single Linear(2, 2) reproduces it
    with_relu = nn.Sequential(first, nn.ReLU(), second, nn.ReLU(), third)
    # a linear map f satisfies f(x1 + x2) = f(x1) + f(x2) - f(0); test that identity
    x1, x2, zero = torch.randn(1000, 2, device=device), torch.randn(1000, 2, device=device), torch.zeros(1, 2, device=device)
    gap_linear = (deep_linear(x1 + x2) - deep_linear(x1) - deep_linear(x2) + deep_linear(zero)).abs().max().item()
    gap_relu = (with_relu(x1 + x2) - with_relu(x1) - with_relu(x2) + with_relu(zero)).abs().max().item()
    print(f"additivity gap: without activation {gap_linear:.1e}, with ReLU {gap_relu:.2f}")
    assert gap_linear < 1e-5 and gap_relu > 0.01
