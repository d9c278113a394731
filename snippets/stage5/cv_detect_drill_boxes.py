# exercise added by this site (lesson 5.1): convert boxes between (cx, cy, w, h) and (x0, y0, x1, y1)
import torch
from torchvision.ops import box_area, box_convert

cxcywh = torch.tensor([[50.0, 40.0, 20.0, 10.0],   # a 20 x 10 box centred at (50, 40)
                       [5.0, 5.0, 10.0, 10.0]])


def to_xyxy(b):
    cx, cy, w, h = b.unbind(-1)
    return torch.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], dim=-1)


xyxy = to_xyxy(cxcywh)
print(xyxy)
assert xyxy.tolist() == [[40.0, 35.0, 60.0, 45.0], [0.0, 0.0, 10.0, 10.0]]
assert torch.equal(xyxy, box_convert(cxcywh, "cxcywh", "xyxy"))  # torchvision agrees
assert box_area(xyxy).tolist() == [200.0, 100.0]                  # area = w * h
