# roadmap 5.1 (project 2): the full-size version - PASCAL VOC and a COCO-pretrained Faster R-CNN (downloads)
import torch
from torchvision import datasets
from torchvision.models.detection import (FasterRCNN_MobileNet_V3_Large_320_FPN_Weights,
                                          fasterrcnn_mobilenet_v3_large_320_fpn)
from torchvision.transforms import v2

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

# VOC 2012 (about 2 GB): images plus XML annotations with boxes and class names
voc = datasets.VOCDetection("data", year="2012", image_set="val", download=True)
# wrap_dataset_for_transforms_v2 turns the XML dicts into {"boxes", "labels"} tensors
voc = datasets.wrap_dataset_for_transforms_v2(voc, target_keys=["boxes", "labels"])
image, target = voc[0]
print(f"first VOC image: {image.size}, {len(target['boxes'])} annotated objects")

# COCO-pretrained weights (downloaded); the weights object carries its class names and preprocessing
weights = FasterRCNN_MobileNet_V3_Large_320_FPN_Weights.DEFAULT
model = fasterrcnn_mobilenet_v3_large_320_fpn(weights=weights).to(device).eval()
with torch.no_grad():
    prediction = model([v2.functional.to_dtype(v2.functional.to_image(image), torch.float32, scale=True).to(device)])[0]
for box, label, score in zip(prediction["boxes"], prediction["labels"], prediction["scores"]):
    if score > 0.5:
        print(f"{weights.meta['categories'][label]:<12} {score:.2f} {box.round().tolist()}")
