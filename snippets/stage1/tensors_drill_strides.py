# exercise added by this site (lesson 1.2): read any element straight from memory, with strides
import torch


def element_at(t, index, memory):
    """t[index], read from the flat block of memory t is a view of: offset + sum(i * stride)."""
    position = t.storage_offset() + sum(i * s for i, s in zip(index, t.stride()))
    return memory[position].item(), position


base = torch.arange(2 * 3 * 4).reshape(2, 3, 4)
memory = base.flatten()  # base is contiguous from offset 0: its memory, slot by slot
assert memory.data_ptr() == base.data_ptr()
views = {
    "base": base,
    "base.permute(2, 0, 1)": base.permute(2, 0, 1),
    "base[1, :, 1:]": base[1, :, 1:],
    "base.transpose(0, 2)[::2]": base.transpose(0, 2)[::2],
    "base.expand(5, 2, 3, 4)": base.expand(5, 2, 3, 4),   # a stride of 0: five "copies", one memory
}
for name, view in views.items():
    print(f"{name:26} shape {str(tuple(view.shape)):14} stride {str(view.stride()):14} offset {view.storage_offset()}")
    for index in torch.cartesian_prod(*[torch.arange(n) for n in view.shape]).reshape(-1, view.ndim).tolist():
        value, _ = element_at(view, index, memory)
        assert value == view[tuple(index)].item(), (name, index)
# base[1, 2, 3] is the last element: slot 1*12 + 2*4 + 3*1 = 23
assert element_at(base, (1, 2, 3), memory) == (23, 23)
print("every element of every view found at offset + sum(index * stride)")
