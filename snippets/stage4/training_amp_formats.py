# float32, bfloat16 and float16 side by side: bit layouts, ranges, precision, and why fp16 needs a GradScaler
import matplotlib.pyplot as plt
import torch

formats = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}
layout = {}  # name -> (exponent bits, mantissa bits), read from torch.finfo
print(f"{'format':<9}{'exponent':>9}{'mantissa':>9}{'largest':>13}{'smallest normal':>17}{'eps':>11}")
for name, dtype in formats.items():
    info = torch.finfo(dtype)
    mantissa = -int(torch.log2(torch.tensor(info.eps, dtype=torch.float64)).item())  # eps = 2^-mantissa
    exponent = info.bits - 1 - mantissa  # what is left after the sign bit
    layout[name] = (exponent, mantissa)
    print(f"{name:<9}{exponent:>9}{mantissa:>9}{info.max:>13.4g}{info.tiny:>17.4g}{info.eps:>11.3g}")

# The table on the page, checked
assert layout == {"float32": (8, 23), "bfloat16": (8, 7), "float16": (5, 10)}
assert torch.finfo(torch.float16).max == 65504
assert abs(torch.finfo(torch.bfloat16).max / torch.finfo(torch.float32).max - 1) < 0.01  # same range as fp32

# A small gradient, 1e-8: float16 rounds it to zero, bfloat16 keeps it (coarsely)
small = torch.tensor(1e-8)
print(f"\n1e-8 as float16: {small.half().item()}, as bfloat16: {small.bfloat16().item():.3g}")
assert small.half().item() == 0.0 and small.bfloat16().item() > 0
# ... which is why GradScaler multiplies the loss (and so every gradient) by a large factor first
print(f"1e-8 * 65536 as float16: {(small * 65536).half().item():.3g}")
assert (small * 65536).half().item() > 0

figure, ax = plt.subplots(figsize=(9, 2.6))
colors = {"sign": "tab:red", "exponent": "tab:blue", "mantissa": "tab:green"}
for row, (name, (exponent, mantissa)) in enumerate(layout.items()):
    start = 0
    for part, width in [("sign", 1), ("exponent", exponent), ("mantissa", mantissa)]:
        ax.barh(row, width, left=start, color=colors[part], edgecolor="white",
                label=part if row == 0 else None)
        ax.text(start + width / 2, row, str(width), ha="center", va="center", color="white", fontsize=9)
        start += width
ax.set_yticks(range(len(layout)), [f"{name}\nmax {torch.finfo(dtype).max:.3g}" for name, dtype in formats.items()])
ax.invert_yaxis()
ax.set_xlabel("bits")
ax.set_title("Bit layouts: bfloat16 keeps float32's exponent (range), float16 keeps more mantissa (precision)")
ax.legend(loc="lower right", ncols=3, fontsize="small")
figure.tight_layout()
plt.show()
