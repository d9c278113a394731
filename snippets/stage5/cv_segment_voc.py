# roadmap 5.1 (project 3): the full-size version - PASCAL VOC segmentation with a pretrained DeepLabV3 (downloads)
import torch
from torchvision import datasets
from torchvision.models.segmentation import DeepLabV3_MobileNet_V3_Large_Weights, deeplabv3_mobilenet_v3_large

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

voc = datasets.VOCSegmentation("data", year="2012", image_set="val", download=True)  # about 2 GB
image, mask = voc[0]  # PIL image and PIL mask of class indices (255 = "ignore" border)

weights = DeepLabV3_MobileNet_V3_Large_Weights.DEFAULT  # trained on a COCO subset with the VOC classes
model = deeplabv3_mobilenet_v3_large(weights=weights).to(device).eval()
batch = weights.transforms()(image).unsqueeze(0).to(device)
with torch.no_grad():
    prediction = model(batch)["out"].argmax(1)[0]
present = prediction.unique().tolist()
print("classes found:", [weights.meta["categories"][c] for c in present])
