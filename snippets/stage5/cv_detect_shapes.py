# roadmap 5.1 (project 2): train an object detector on generated shapes, score it with mAP, run it on a stream
import time

import matplotlib.pyplot as plt
import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision.ops import box_iou
from torchvision.utils import draw_bounding_boxes

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

SIZE, STRIDE = 128, 4                  # 128x128 images, one prediction cell per 4x4 pixels
CLASSES = ["rectangle", "ellipse"]     # label 0 and 1
GRID = SIZE // STRIDE


# --- 1. Data: images whose boxes we know exactly, because we drew them --------------------------
def draw_scene(boxes, labels, colors, generator):
    """Paint filled shapes on a noisy, tinted background."""
    image = torch.rand(3, 1, 1, generator=generator) * 0.4 + torch.rand(3, SIZE, SIZE, generator=generator) * 0.15
    ys, xs = torch.meshgrid(torch.arange(SIZE) + 0.5, torch.arange(SIZE) + 0.5, indexing="ij")
    for (x0, y0, x1, y1), label, color in zip(boxes.tolist(), labels.tolist(), colors):
        if label == 0:
            inside = (xs >= x0) & (xs < x1) & (ys >= y0) & (ys < y1)
        else:
            cx, cy, rx, ry = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2, (y1 - y0) / 2
            inside = ((xs - cx) / rx) ** 2 + ((ys - cy) / ry) ** 2 <= 1
        image[:, inside] = color[:, None]
    return image.clamp(0, 1)


def random_objects(generator):
    """1-3 shapes, 20-48 px, that do not overlap much (like objects in a photo)."""
    boxes = []
    for _ in range(int(torch.randint(1, 4, (1,), generator=generator))):
        for _attempt in range(20):
            w, h = torch.randint(20, 49, (2,), generator=generator).tolist()
            x0 = int(torch.randint(0, SIZE - w + 1, (1,), generator=generator))
            y0 = int(torch.randint(0, SIZE - h + 1, (1,), generator=generator))
            box = torch.tensor([[x0, y0, x0 + w, y0 + h]], dtype=torch.float32)
            if not boxes or box_iou(box, torch.cat(boxes)).max() < 0.1:
                boxes.append(box)
                break
    boxes = torch.cat(boxes)
    labels = torch.randint(0, 2, (len(boxes),), generator=generator)
    colors = torch.rand(len(boxes), 3, generator=generator) * 0.5 + 0.5
    return boxes, labels, colors


def make_dataset(n, seed):
    generator = torch.Generator().manual_seed(seed)
    images, targets = [], []
    for _ in range(n):
        boxes, labels, colors = random_objects(generator)
        images.append(draw_scene(boxes, labels, colors, generator))
        targets.append({"boxes": boxes, "labels": labels})
    return torch.stack(images), targets


train_images, train_targets = make_dataset(600, seed=1)
test_images, test_targets = make_dataset(100, seed=2)
print(f"train: {len(train_images)} images, test: {len(test_images)} images, "
      f"{sum(len(t['boxes']) for t in test_targets)} test objects")


# --- 2. Model: a small CenterNet-style detector ----------------------------------------------------
# Every cell of a 32x32 grid predicts: a heat map per class ("is an object centre here?"),
# the sub-cell offset of that centre, and the box width and height.
class CenterNet(nn.Module):
    def __init__(self, num_classes=2, width=24):
        super().__init__()

        def block(cin, cout, stride=1, dilation=1):
            return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, padding=dilation, dilation=dilation),
                                 nn.BatchNorm2d(cout), nn.ReLU())

        # two stride-2 convs bring 128 px down to the 32x32 grid; dilated convs then widen the
        # receptive field so that a cell "sees" a whole 48 px object around it
        self.backbone = nn.Sequential(block(3, 16, 2), block(16, width, 2), block(width, width, 1, 2),
                                      block(width, width, 1, 4), block(width, width, 1, 2))
        self.heatmap = nn.Conv2d(width, num_classes, 1)
        self.box = nn.Conv2d(width, 4, 1)  # (offset x, offset y, width, height), in grid cells
        nn.init.constant_(self.heatmap.bias, -2.2)  # start by predicting "no object" (p ~ 0.1)

    def forward(self, x):
        features = self.backbone(x)
        return self.heatmap(features), self.box(features)


def encode(targets, num_classes=2):
    """Turn boxes into the training targets on the grid."""
    heat = torch.zeros(len(targets), num_classes, GRID, GRID)
    box = torch.zeros(len(targets), 4, GRID, GRID)
    has_object = torch.zeros(len(targets), GRID, GRID, dtype=torch.bool)
    cells = torch.arange(GRID) + 0.5
    for i, target in enumerate(targets):
        for (x0, y0, x1, y1), label in zip(target["boxes"].tolist(), target["labels"].tolist()):
            cx, cy = (x0 + x1) / 2 / STRIDE, (y0 + y1) / 2 / STRIDE
            w, h = (x1 - x0) / STRIDE, (y1 - y0) / STRIDE
            sigma = max(min(w, h) / 6, 0.7)  # a soft Gaussian "bump": near-misses are not punished fully
            bump = torch.exp(-((cells[None, :] - cx) ** 2 + (cells[:, None] - cy) ** 2) / (2 * sigma**2))
            heat[i, label] = torch.maximum(heat[i, label], bump)
            gx, gy = int(cx), int(cy)
            heat[i, label, gy, gx] = 1.0
            box[i, :, gy, gx] = torch.tensor([cx - gx, cy - gy, w, h])
            has_object[i, gy, gx] = True
    return heat, box, has_object


def detection_loss(heat_logits, box_pred, heat, box, has_object):
    # CenterNet's focal loss: the few centre cells count fully, the many easy background
    # cells hardly at all, and cells close to a centre are down-weighted by (1 - heat)^4.
    p = heat_logits.sigmoid().clamp(1e-4, 1 - 1e-4)
    is_centre = heat == 1
    positive = -((1 - p) ** 2 * p.log())[is_centre].sum()
    negative = -((1 - heat) ** 4 * p**2 * (1 - p).log())[~is_centre].sum()
    num_objects = max(is_centre.sum().item(), 1)
    box_error = F.l1_loss(box_pred.permute(0, 2, 3, 1)[has_object], box.permute(0, 2, 3, 1)[has_object])
    return (positive + negative) / num_objects + 0.2 * box_error


@torch.no_grad()
def decode(heat_logits, box_pred, max_detections=20):
    """Peaks of the heat map (a 3x3 max-pool replaces NMS) become scored boxes in pixels."""
    scores = heat_logits.sigmoid()
    peaks = scores * (scores == F.max_pool2d(scores, 3, stride=1, padding=1))
    results = []
    for peak, box in zip(peaks, box_pred):
        top_scores, flat = peak.flatten().topk(max_detections)
        label, cell = flat // (GRID * GRID), flat % (GRID * GRID)
        gy, gx = cell // GRID, cell % GRID
        dx, dy, w, h = box[:, gy, gx]
        cx, cy = (gx + dx) * STRIDE, (gy + dy) * STRIDE
        boxes = torch.stack([cx - w * STRIDE / 2, cy - h * STRIDE / 2, cx + w * STRIDE / 2, cy + h * STRIDE / 2], 1)
        results.append({"boxes": boxes.clamp(0, SIZE), "scores": top_scores, "labels": label})
    return results


# --- 3. Train ------------------------------------------------------------------------------------------
# channels_last stores each pixel's channels together; CPU convolutions run faster on it
# (training steps here: about 25 % less time on one thread, measured)
model = CenterNet().to(device, memory_format=torch.channels_last)
train_images = train_images.contiguous(memory_format=torch.channels_last)
heat_t, box_t, has_object_t = encode(train_targets)
optimizer = torch.optim.AdamW(model.parameters(), lr=6e-3)
steps, batch_size = 120, 16
scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=6e-3, total_steps=steps)
model.train()
for step in range(1, steps + 1):
    batch = torch.randint(len(train_images), (batch_size,))
    heat_logits, box_pred = model(train_images[batch].to(device))
    loss = detection_loss(heat_logits, box_pred, heat_t[batch].to(device), box_t[batch].to(device),
                          has_object_t[batch].to(device))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    scheduler.step()
    if step % 40 == 0:
        print(f"step {step:3d}: loss {loss.item():.3f}")
model.eval()
assert heat_logits.shape[-2:] == (GRID, GRID) == (32, 32)


# --- 4. Evaluate: mean average precision at IoU 0.5 (PASCAL VOC, all-point interpolation) -----------------
def average_precision(detections, targets, label, iou_threshold=0.5):
    """AP of one class: rank all detections by score, match each to an unclaimed ground-truth box."""
    records = []  # (score, is_true_positive)
    num_ground_truth = 0
    for det, target in zip(detections, targets):
        gt_boxes = target["boxes"][target["labels"] == label]
        num_ground_truth += len(gt_boxes)
        keep = det["labels"] == label
        boxes, scores = det["boxes"][keep], det["scores"][keep]
        claimed = torch.zeros(len(gt_boxes), dtype=torch.bool)
        ious = box_iou(boxes, gt_boxes) if len(gt_boxes) else torch.zeros(len(boxes), 0)
        for i in scores.argsort(descending=True).tolist():
            best = ious[i].argmax().item() if len(gt_boxes) else -1
            hit = best >= 0 and ious[i, best] >= iou_threshold and not claimed[best]
            if hit:
                claimed[best] = True
            records.append((scores[i].item(), hit))
    records.sort(key=lambda r: -r[0])
    hits = torch.tensor([hit for _, hit in records], dtype=torch.float32)
    true_pos, false_pos = hits.cumsum(0), (1 - hits).cumsum(0)
    recall = true_pos / max(num_ground_truth, 1)
    precision = true_pos / (true_pos + false_pos)
    # all-point interpolation: make precision monotonically decreasing, then integrate over recall
    recall = torch.cat([torch.tensor([0.0]), recall, torch.tensor([1.0])])
    precision = torch.cat([torch.tensor([0.0]), precision, torch.tensor([0.0])])
    precision = precision.flip(0).cummax(0).values.flip(0)
    changed = torch.nonzero(recall[1:] != recall[:-1]).squeeze(1)
    return ((recall[changed + 1] - recall[changed]) * precision[changed + 1]).sum().item()


with torch.no_grad():
    detections = [{k: v.cpu() for k, v in d.items()} for d in decode(*model(test_images.to(device)))]
ap = {name: average_precision(detections, test_targets, label) for label, name in enumerate(CLASSES)}
for name, value in ap.items():
    print(f"AP@0.5 {name:<10} {value:.3f}")
map50 = sum(ap.values()) / len(ap)
print(f"mAP@0.5 on {len(test_images)} test images: {map50:.3f}")
assert map50 >= 0.8, map50

# sanity check of the metric itself: the ground truth scored as detections gives AP = 1
perfect = [dict(t, scores=torch.ones(len(t["boxes"]))) for t in test_targets]
assert all(average_precision(perfect, test_targets, c) == 1.0 for c in range(len(CLASSES)))

# --- 5. Draw the detections ----------------------------------------------------------------------------------
fig, axes = plt.subplots(2, 4, figsize=(12, 6.5))
for ax, image, det in zip(axes.flat, test_images, detections):
    keep = det["scores"] > 0.3
    names = [f"{CLASSES[l]} {s:.2f}" for l, s in zip(det["labels"][keep].tolist(), det["scores"][keep].tolist())]
    colors = ["orange" if l == 0 else "cyan" for l in det["labels"][keep].tolist()]
    drawn = draw_bounding_boxes((image * 255).to(torch.uint8), det["boxes"][keep], names, colors=colors, width=2)
    ax.imshow(drawn.permute(1, 2, 0))
    ax.axis("off")
fig.suptitle(f"Predicted boxes with score > 0.3 (test mAP@0.5 = {map50:.3f})")
plt.tight_layout()
plt.show()

# --- 6. "Real-time" detection: frames arrive one at a time from a stream -------------------------------------
generator = torch.Generator().manual_seed(3)
boxes, labels, colors = random_objects(generator)
phase = torch.rand(len(boxes), 2, generator=generator) * 6.28
background_seed = int(torch.randint(10**6, (1,), generator=generator))
num_frames, found, total, start = 60, 0, 0, time.perf_counter()
for frame_index in range(num_frames):
    # every object sways +-8 px around its start position; clamping keeps it inside the frame
    moved = boxes + (8 * torch.sin(phase + 0.2 * frame_index)).round().repeat(1, 2)
    shift = moved[:, :2].clamp(0, None) - moved[:, :2] + (SIZE - moved[:, 2:]).clamp(None, 0)
    frame_boxes = moved + shift.repeat(1, 2)
    frame = draw_scene(frame_boxes, labels, colors, torch.Generator().manual_seed(background_seed + frame_index))
    with torch.no_grad():
        det = decode(*model(frame[None].to(device)))[0]
    keep = det["scores"].cpu() > 0.3
    # an object counts as found when a detection of the right class overlaps it with IoU >= 0.5
    same_class = det["labels"].cpu()[keep][:, None] == labels[None, :]
    overlap = box_iou(det["boxes"].cpu()[keep], frame_boxes) * same_class
    hits = overlap.max(0).values >= 0.5 if keep.any() else torch.zeros(len(boxes))
    found += int(hits.sum())
    total += len(boxes)
fps = num_frames / (time.perf_counter() - start)
print(f"stream: {num_frames} frames with {len(boxes)} moving objects, {found}/{total} objects found")
print(f"measured speed: {fps:.0f} frames per second on {device.type} (depends on the machine and its load)")
assert found / total >= 0.9, (found, total)
