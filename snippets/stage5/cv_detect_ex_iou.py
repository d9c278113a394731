# exercise added by this site (lesson 5.1): intersection over union of two sets of boxes, by hand
import torch
from torchvision.ops import box_iou

torch.manual_seed(0)


def iou(boxes_a, boxes_b):
    """IoU of every box in boxes_a (N, 4) with every box in boxes_b (M, 4), as (x0, y0, x1, y1)."""
    area_a = (boxes_a[:, 2] - boxes_a[:, 0]) * (boxes_a[:, 3] - boxes_a[:, 1])
    area_b = (boxes_b[:, 2] - boxes_b[:, 0]) * (boxes_b[:, 3] - boxes_b[:, 1])
    top_left = torch.max(boxes_a[:, None, :2], boxes_b[None, :, :2])       # (N, M, 2) by broadcasting
    bottom_right = torch.min(boxes_a[:, None, 2:], boxes_b[None, :, 2:])
    size = (bottom_right - top_left).clamp(min=0)                           # no overlap -> 0, not negative
    intersection = size[..., 0] * size[..., 1]
    return intersection / (area_a[:, None] + area_b[None, :] - intersection)


square = torch.tensor([[0.0, 0.0, 10.0, 10.0]])
examples = torch.tensor([[0.0, 0.0, 10.0, 10.0],    # the same box
                         [5.0, 0.0, 15.0, 10.0],    # shifted by half: overlap 50, union 150
                         [20.0, 20.0, 30.0, 30.0],  # far away
                         [2.0, 2.0, 7.0, 7.0]])     # inside: 25 / 100
print("IoU with the 10x10 square:", iou(square, examples).squeeze(0).tolist())
torch.testing.assert_close(iou(square, examples), torch.tensor([[1.0, 1 / 3, 0.0, 0.25]]))

# Against torchvision on random boxes
corners = torch.rand(50, 2) * 100
a = torch.cat([corners, corners + torch.rand(50, 2) * 40 + 1], dim=1)
corners = torch.rand(30, 2) * 100
b = torch.cat([corners, corners + torch.rand(30, 2) * 40 + 1], dim=1)
torch.testing.assert_close(iou(a, b), box_iou(a, b))
print(f"equal to torchvision.ops.box_iou on {len(a)}x{len(b)} random box pairs")
