# Views, strides and contiguous(): how a tensor's shape maps onto one block of memory
import matplotlib.pyplot as plt
import torch

x = torch.arange(12).reshape(3, 4)
# A stride says how many elements to skip in memory for one step along each dimension
print("x:", tuple(x.shape), "stride", x.stride(), "contiguous:", x.is_contiguous())
assert x.stride() == (4, 1)  # next row: skip 4 elements; next column: skip 1

# Slicing, transposing and viewing make VIEWS: new shape/stride/offset, the SAME memory
column = x[:, 1]
t = x.t()
print("x[:, 1]:", tuple(column.shape), "stride", column.stride(), "offset", column.storage_offset())
print("x.t():  ", tuple(t.shape), "stride", t.stride(), "contiguous:", t.is_contiguous())
assert column.stride() == (4,) and column.storage_offset() == 1
assert t.stride() == (1, 4) and not t.is_contiguous()
assert t.untyped_storage().data_ptr() == x.untyped_storage().data_ptr()  # no copy

# Writing through a view changes the original
t[0, 2] = 100  # t[0, 2] is x[2, 0]
print("after t[0, 2] = 100, x[2, 0] =", x[2, 0].item())
assert x[2, 0] == 100
x[2, 0] = 8  # put it back

# view() needs a layout it can express with strides; the elements of a row of t are not adjacent in memory
try:
    t.view(12)
except RuntimeError as error:
    print("t.view(12) fails:", str(error).split(".")[0])
else:
    raise AssertionError("view of a transposed tensor should fail")

# contiguous() copies into a fresh block, laid out row by row in t's order
tc = t.contiguous()
print("t.contiguous():", tuple(tc.shape), "stride", tc.stride(), "memory:", tc.flatten().tolist())
assert tc.is_contiguous() and tc.stride() == (3, 1)
assert tc.untyped_storage().data_ptr() != x.untyped_storage().data_ptr()
assert tc.view(12).tolist() == [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]

# The picture: which memory slot each element of x and of x.t() reads
fig, axes = plt.subplots(1, 3, figsize=(10, 3.4), gridspec_kw={"width_ratios": [4, 3, 12]})
memory = x.flatten()
for ax, tensor, title in [(axes[0], x, "x: shape (3, 4), stride (4, 1)"),
                          (axes[1], t, "x.t(): shape (4, 3), stride (1, 4)")]:
    ax.imshow(tensor, cmap="viridis", vmin=0, vmax=11)
    for i in range(tensor.shape[0]):
        for j in range(tensor.shape[1]):
            ax.text(j, i, str(tensor[i, j].item()), ha="center", va="center", color="black" if tensor[i, j] > 7 else "white")
    ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
axes[2].imshow(memory.reshape(1, -1), cmap="viridis", vmin=0, vmax=11)
for k in range(12):
    axes[2].text(k, 0, str(memory[k].item()), ha="center", va="center", color="black" if k > 7 else "white")
axes[2].set_xticks(range(12))
axes[2].set_yticks([])
axes[2].set_xlabel("memory slot")
axes[2].set_title("the one block of memory both share: x[i, j] is slot 4i + j, x.t()[i, j] is slot i + 4j",
                  fontsize=9)
fig.suptitle("A transpose is a view: same memory, different strides")
plt.tight_layout()
plt.show()
