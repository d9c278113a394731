# Reproducibility: what torch.manual_seed fixes, and what it leaves alone
import random

import numpy as np
import torch

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

# The same seed restarts PyTorch's default generator: the same "random" numbers, in the same order
torch.manual_seed(0)
first_run = (torch.rand(3, device=device), torch.randn(2, 2, device=device), torch.randint(0, 10, (5,)))
torch.manual_seed(0)
second_run = (torch.rand(3, device=device), torch.randn(2, 2, device=device), torch.randint(0, 10, (5,)))
for a, b in zip(first_run, second_run):
    assert torch.equal(a, b)
print("two runs with seed 0 on", device, "match:", first_run[2].tolist())

# Each draw moves the stream on: without reseeding, the next numbers differ
assert not torch.equal(torch.rand(3, device=device), first_run[0])
# A different seed gives a different stream
torch.manual_seed(1)
assert not torch.equal(torch.rand(3, device=device), first_run[0])

# torch.manual_seed does NOT seed Python's random module or NumPy: they have their own generators.
# (Seeded once here so that this script prints the same on every run.)
random.seed(0)
np.random.seed(0)
torch.manual_seed(0)
py_a, np_a = random.random(), np.random.rand()
torch.manual_seed(0)
py_b, np_b = random.random(), np.random.rand()
print(f"after the same torch seed: random {py_a:.3f} then {py_b:.3f}; numpy {np_a:.3f} then {np_b:.3f}")
assert py_a != py_b and np_a != np_b
# The fix: seed every library you draw from
random.seed(0)
np.random.seed(0)
py_c, np_c = random.random(), np.random.rand()
random.seed(0)
np.random.seed(0)
assert (random.random(), np.random.rand()) == (py_c, np_c)

# A torch.Generator is a private stream: it does not disturb (or depend on) the global one
generator = torch.Generator().manual_seed(42)
private_a = torch.rand(3, generator=generator)
torch.rand(100)  # global draws in between change nothing for the private stream
generator.manual_seed(42)
assert torch.equal(torch.rand(3, generator=generator), private_a)
print("a torch.Generator seeded with 42 repeats its own stream:", [round(v, 3) for v in private_a.tolist()])
