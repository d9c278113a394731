# exercise added by this site (lesson 5.1): non-maximum suppression by hand, checked against torchvision
import torch
from torchvision.ops import box_iou, nms

torch.manual_seed(0)


def greedy_nms(boxes, scores, iou_threshold):
    """Keep the best box, drop every box that overlaps it by more than the threshold, repeat."""
    order = scores.argsort(descending=True)
    keep = []
    while len(order) > 0:
        best, rest = order[0], order[1:]
        keep.append(best.item())
        overlaps = box_iou(boxes[best][None], boxes[rest])[0]
        order = rest[overlaps <= iou_threshold]
    return torch.tensor(keep, dtype=torch.long)


# A toy case: two detections of the same object and one of another.
boxes = torch.tensor([[10.0, 10.0, 50.0, 50.0], [12.0, 12.0, 52.0, 52.0], [60.0, 60.0, 90.0, 90.0]])
scores = torch.tensor([0.9, 0.8, 0.7])
print("kept:", greedy_nms(boxes, scores, 0.5).tolist())
assert greedy_nms(boxes, scores, 0.5).tolist() == [0, 2]  # the weaker duplicate is gone

# Many overlapping random boxes: the same boxes kept, in the same order, as torchvision's nms.
corners = torch.rand(200, 2) * 100
boxes = torch.cat([corners, corners + torch.rand(200, 2) * 30 + 5], dim=1)
scores = torch.rand(200)
for threshold in (0.3, 0.5, 0.7):
    mine, theirs = greedy_nms(boxes, scores, threshold), nms(boxes, scores, threshold)
    print(f"IoU threshold {threshold}: kept {len(mine)} of {len(boxes)} boxes")
    assert torch.equal(mine, theirs)
