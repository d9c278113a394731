# dtype promotion as a table: the result type of `tensor + other`, from torch.result_type, checked against the rule
import matplotlib.pyplot as plt
import torch

CATEGORY = {torch.bool: 0, torch.uint8: 1, torch.int32: 1, torch.int64: 1,
            torch.float16: 2, torch.float32: 2, torch.float64: 2}
KIND_OF_PYTHON = {bool: torch.bool, int: torch.int64, float: torch.get_default_dtype()}


def rule(a, b):
    """The promotion rule in words: the higher category wins; within it, the operand of higher
    priority decides (a tensor with dimensions > a 0-dim tensor > a Python number)."""
    def describe(operand):
        if isinstance(operand, torch.Tensor):
            return CATEGORY[operand.dtype], (2 if operand.ndim > 0 else 1), operand.dtype
        return CATEGORY[KIND_OF_PYTHON[type(operand)]], 0, KIND_OF_PYTHON[type(operand)]
    (cat_a, rank_a, dtype_a), (cat_b, rank_b, dtype_b) = describe(a), describe(b)
    if cat_a != cat_b:  # a higher category always wins, whatever the priority
        return dtype_a if cat_a > cat_b else dtype_b
    if rank_a != rank_b:  # same category: the higher priority decides
        return dtype_a if rank_a > rank_b else dtype_b
    return torch.promote_types(dtype_a, dtype_b)  # same category and priority: the larger type


rows = [torch.bool, torch.uint8, torch.int64, torch.float16, torch.float32, torch.float64]
columns = {"Python int 2": 2, "Python float 2.5": 2.5, "0-dim int64 tensor": torch.tensor(2),
           "0-dim float64 tensor": torch.tensor(2.0, dtype=torch.float64), "int32 vector": torch.tensor([2], dtype=torch.int32),
           "float64 vector": torch.tensor([2.0], dtype=torch.float64)}
table = []
for dtype in rows:
    vector = torch.ones(3, dtype=dtype)
    row = []
    for name, other in columns.items():
        result = torch.result_type(vector, other)
        assert result == rule(vector, other), (dtype, name)   # the rule predicts every cell
        assert (vector + other).dtype == result                 # and the real addition agrees
        row.append(result)
    table.append(row)
    print(f"{str(dtype):15}", " ".join(f"{str(r)[6:]:8}" for r in row))

# The examples from the page
assert table[2][1] == torch.float32   # int64 vector * 2.5 -> float32 (the default dtype), not float64
assert table[4][3] == torch.float32   # float32 vector with a 0-dim float64 -> stays float32
assert table[2][3] == torch.float64   # int64 vector with a 0-dim float64 -> float64 (higher category)
assert table[1][0] == torch.uint8     # uint8 with a Python int stays uint8 (and can wrap around)

colors = {0: "#eeeeee", 1: "#cfe2f3", 2: "#d9ead3"}
fig, ax = plt.subplots(figsize=(9, 3.8))
for i, row in enumerate(table):
    for j, result in enumerate(row):
        ax.add_patch(plt.Rectangle((j, -i - 1), 1, 1, facecolor=colors[CATEGORY[result]], edgecolor="white"))
        promoted = result != rows[i]
        ax.text(j + 0.5, -i - 0.5, str(result)[6:], ha="center", va="center", fontsize=9,
                fontweight="bold" if promoted else "normal")
ax.set_xlim(0, len(columns))
ax.set_ylim(-len(rows), 0)
ax.set_xticks([j + 0.5 for j in range(len(columns))], list(columns), fontsize=8)
ax.xaxis.tick_top()
ax.set_yticks([-i - 0.5 for i in range(len(rows))], [f"{str(d)[6:]} vector" for d in rows], fontsize=9)
ax.set_xlabel("bold: the result type differs from the row's; grey bool, blue integer, green floating", fontsize=8)
ax.set_title("Result dtype of (row) + (column): category first, then dimensioned > 0-dim > Python number",
             fontsize=10, pad=28)
plt.tight_layout()
plt.show()
