# exercise added by this site (lesson 1.3): where does each tensor live, and what does .to() return?
import torch

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.manual_seed(0)

a = torch.rand(2, 3)                  # factories create on the CPU unless told otherwise
b = torch.rand(2, 3, device=device)   # created on the chosen device
c = a.to(device)                      # a copy on the device (or a itself, if that is the CPU)
d = (b + c).cpu()                     # the sum lives on the device; .cpu() copies it back
e = (b + c).sum().item()              # .item(): a Python float, on no device at all

print(f"a on {a.device}, b on {b.device}, c on {c.device}, d on {d.device}, e is a {type(e).__name__}")
assert a.device.type == "cpu" and b.device.type == device.type and c.device.type == device.type
assert d.device.type == "cpu" and isinstance(e, float)
# .to() copies only when it has to: to the device it is already on, it returns the same tensor
assert (c.to(device) is c) and (d.to("cpu") is d)
assert (c is a) == (device.type == "cpu")
# A round trip changes the place, never the values
torch.testing.assert_close(c.cpu(), a, rtol=0, atol=0)
torch.testing.assert_close(d, (b.cpu() + a))
