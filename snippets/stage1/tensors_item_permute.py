# .item() turns a one-element tensor into a Python number; permute reorders dimensions as a view
import torch

# .item(): a Python number from a tensor with exactly one element
loss = torch.tensor([0.25, 0.75]).mean()   # a 0-dim tensor
value = loss.item()
print("loss:", loss, "-> loss.item():", value, type(value).__name__)
assert isinstance(value, float) and value == 0.5
assert isinstance(torch.tensor([[7]]).item(), int)  # any shape with one element works; ints stay int
try:
    torch.tensor([1.0, 2.0]).item()
except RuntimeError as error:
    print("item() on two elements:", error)
    assert "2 elements cannot be converted to Scalar" in str(error)
else:
    raise AssertionError("expected a RuntimeError")

# permute: name the old dimension for each new position. An image from a file is (H, W, C);
# PyTorch's layers want (C, H, W).
hwc = torch.arange(2 * 3 * 3).reshape(2, 3, 3)   # height 2, width 3, 3 channels (RGB)
chw = hwc.permute(2, 0, 1)                        # new dim 0 = old dim 2 (C), then H, then W
print("HWC", tuple(hwc.shape), "stride", hwc.stride(), "-> CHW", tuple(chw.shape), "stride", chw.stride())
assert chw.shape == (3, 2, 3) and chw.stride() == (1, 9, 3)  # the strides are reordered, too
assert torch.equal(chw[1], hwc[:, :, 1])                       # channel 1 (green) as a 2-D image
# A view: the same memory, nothing copied, and not contiguous
assert chw.data_ptr() == hwc.data_ptr() and not chw.is_contiguous()
# permute is not reshape: reshape keeps the memory order and cuts it into a new shape
assert not torch.equal(hwc.reshape(3, 2, 3), chw)
print("permute moved whole channels; reshape(3, 2, 3) would have mixed the pixels up")
