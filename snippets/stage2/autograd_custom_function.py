# roadmap 2.1.4: a custom autograd.Function with its own backward
import torch


class MyReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        # Save what backward will need; ctx is the bridge between the two passes
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        (input,) = ctx.saved_tensors
        # Chain rule: pass the incoming gradient through where input > 0, block it elsewhere
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


torch.manual_seed(0)

# Use it like any other op, through .apply
x = torch.randn(5, requires_grad=True)
y = MyReLU.apply(x)
loss = y.sum()
loss.backward()
print(f"x        = {x.detach()}")
print(f"MyReLU(x)= {y.detach()}")
print(f"x.grad   = {x.grad}")

# Same values and same gradient as the built-in torch.relu
x_ref = x.detach().clone().requires_grad_(True)
torch.relu(x_ref).sum().backward()
torch.testing.assert_close(y, torch.relu(x_ref))
torch.testing.assert_close(x.grad, x_ref.grad)
print("forward and gradient match torch.relu")

# gradcheck compares backward with finite differences; it needs float64 for precision.
# Keep inputs away from 0, where ReLU has a kink and finite differences are meaningless.
x64 = torch.randn(20, dtype=torch.float64)
x64 = (x64 + 0.1 * x64.sign()).requires_grad_(True)
ok = torch.autograd.gradcheck(MyReLU.apply, (x64,), eps=1e-6, atol=1e-4)
print(f"gradcheck passed: {ok}")
assert ok
