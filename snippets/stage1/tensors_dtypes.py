# dtype promotion and casting: what type a result gets, and what a cast loses
import torch

ints = torch.tensor([1, 2, 3])             # int64, the default for Python ints
floats = torch.tensor([0.5, 1.5, 2.5])     # float32, the default for Python floats
doubles = torch.tensor([0.5], dtype=torch.float64)
print("defaults:", ints.dtype, floats.dtype)
assert ints.dtype == torch.int64 and floats.dtype == torch.float32

# Promotion: an operation on mixed types computes in a type that can hold both
print("int64 + float32   ->", (ints + floats).dtype)
print("float32 + float64 ->", (floats + doubles).dtype)
print("int64 / 2         ->", (ints / 2).dtype, (ints / 2).tolist(), "(true division)")
print("int64 // 2        ->", (ints // 2).dtype, (ints // 2).tolist())
assert (ints + floats).dtype == torch.float32
assert (floats + doubles).dtype == torch.float64
assert (ints / 2).dtype == torch.float32 and (ints // 2).dtype == torch.int64
assert torch.result_type(ints, floats) == torch.float32  # ask without computing

# The rule: categories first (bool < integer < floating < complex). Within one category,
# a tensor with dimensions outranks a 0-dim tensor, which outranks a Python number.
# 1. A Python float lifts an integer tensor to the next category, as the default dtype float32
print("int64 tensor * 2.5          ->", torch.result_type(ints, 2.5))
assert torch.result_type(ints, 2.5) == torch.float32
# 2. Same category: the Python number does not decide the precision
assert torch.result_type(floats, 2.5) == torch.float32
assert torch.result_type(torch.tensor([200], dtype=torch.uint8), 1000) == torch.uint8
# 3. Same category: a 0-dim float64 tensor does not promote a float32 vector...
scale = torch.tensor(2.0, dtype=torch.float64)  # 0-dim
print("float32 vector * 0-dim f64  ->", torch.result_type(floats, scale))
assert torch.result_type(floats, scale) == torch.float32
# ...but a 0-dim tensor of a higher category does decide: int64 vector + 0-dim float64 -> float64
print("int64 vector + 0-dim f64    ->", torch.result_type(ints, scale))
assert torch.result_type(ints, scale) == torch.float64
# 4. Dimensioned tensors of one category: the larger type wins (that is float32 + float64 above)
assert torch.result_type(torch.tensor([True]), torch.tensor([1], dtype=torch.int32)) == torch.int32

# Casting with .to(dtype) (or .float(), .long(), .half() ...) can lose information
print("float -> int truncates toward zero:", torch.tensor([2.7, -2.7]).to(torch.int64).tolist())
assert torch.tensor([2.7, -2.7]).long().tolist() == [2, -2]
pixels = torch.tensor([200], dtype=torch.uint8)
print("uint8 200 + 100 wraps around:", (pixels + 100).item())
assert (pixels + 100).item() == 44  # 300 - 256: uint8 holds 0..255
print("float16 cannot hold 2049 exactly:", torch.tensor(2049.0).half().item())
assert torch.tensor(2049.0).half().item() == 2048.0  # 11 significant bits
# The safe way to do arithmetic on image bytes: cast to float first
assert (pixels.float() + 100).item() == 300.0
