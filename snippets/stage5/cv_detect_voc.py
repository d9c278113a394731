# roadmap 5.1 (project 2): the full-size version - fine-tune a COCO-pretrained Faster R-CNN on PASCAL VOC (downloads)
import torch
from torch.utils.data import DataLoader
from torchvision import datasets
from torchvision.models.detection import (FasterRCNN_MobileNet_V3_Large_320_FPN_Weights,
                                          fasterrcnn_mobilenet_v3_large_320_fpn)
from torchvision.models.detection.faster_rcnn import FastRCNNPredictor
from torchvision.transforms import v2

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

# VOC 2012 (about 2 GB): images plus XML annotations with boxes and class names.
# wrap_dataset_for_transforms_v2 turns the XML dicts into {"boxes", "labels"} tensors, and the v2
# transforms then flip the boxes together with the image.
train_transforms = v2.Compose([v2.ToImage(), v2.RandomHorizontalFlip(0.5), v2.ToDtype(torch.float32, scale=True)])
val_transforms = v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True)])
train_set = datasets.wrap_dataset_for_transforms_v2(
    datasets.VOCDetection("data", year="2012", image_set="train", download=True, transforms=train_transforms),
    target_keys=["boxes", "labels"])
val_set = datasets.wrap_dataset_for_transforms_v2(
    datasets.VOCDetection("data", year="2012", image_set="val", download=True, transforms=val_transforms),
    target_keys=["boxes", "labels"])


def collate(batch):
    """Detection targets have a different number of boxes per image: keep a batch as a tuple of
    images and a tuple of target dicts instead of stacking them."""
    return tuple(zip(*batch))


# num_workers=4 as written suits Linux; on Windows and macOS, worker processes re-import this file,
# so put the code from here on under `if __name__ == "__main__":` there.
train_loader = DataLoader(train_set, batch_size=8, shuffle=True, num_workers=4, collate_fn=collate)

# COCO-pretrained weights (downloaded): 91 COCO classes. Replace the box predictor with one for
# VOC's 20 classes + background; everything else starts from the pretrained weights.
weights = FasterRCNN_MobileNet_V3_Large_320_FPN_Weights.DEFAULT
model = fasterrcnn_mobilenet_v3_large_320_fpn(weights=weights)
in_features = model.roi_heads.box_predictor.cls_score.in_features
model.roi_heads.box_predictor = FastRCNNPredictor(in_features, num_classes=21)
model.to(device)

# The same training step as in section 1: in train mode the model returns a dict of losses.
params = [p for p in model.parameters() if p.requires_grad]
optimizer = torch.optim.SGD(params, lr=0.01, momentum=0.9, weight_decay=1e-4)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=8, gamma=0.1)
for epoch in range(12):
    model.train()
    for step, (images, targets) in enumerate(train_loader):
        images = [image.to(device) for image in images]
        targets = [{k: v.to(device) for k, v in t.items()} for t in targets]
        losses = model(images, targets)
        loss = sum(losses.values())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % 100 == 0:
            print(f"epoch {epoch} step {step}: " + ", ".join(f"{k} {v.item():.3f}" for k, v in losses.items()))
    scheduler.step()
torch.save(model.state_dict(), "fasterrcnn_voc.pt")

# Predict on a validation image (mAP over the whole split: torchmetrics' MeanAveragePrecision or
# the average_precision function of cv_detect_shapes.py).
model.eval()
image, target = val_set[0]
with torch.no_grad():
    prediction = model([image.to(device)])[0]
# the label order torchvision's wrapper uses (index 0 is the background)
categories = ["__background__", "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair",
              "cow", "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa",
              "train", "tvmonitor"]
for box, label, score in zip(prediction["boxes"], prediction["labels"], prediction["scores"]):
    if score > 0.5:
        print(f"{categories[label]:<12} {score:.2f} {box.round().tolist()}")
