# roadmap 5.1 (project 1): train, export to ONNX, and classify image files with onnxruntime
import pathlib

import matplotlib.pyplot as plt
import numpy as np
import onnxruntime as ort
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image
from sklearn.datasets import load_digits
from sklearn.metrics import ConfusionMatrixDisplay, confusion_matrix
from sklearn.model_selection import train_test_split

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

# --- 1. Data: real 8x8 handwritten digits, upscaled to 32x32 --------------------------
digits = load_digits()
images = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0  # (N, 1, 8, 8) in [0, 1]
images = F.interpolate(images, size=32, mode="bilinear", align_corners=False)
labels = torch.tensor(digits.target)
train_idx, test_idx = train_test_split(
    np.arange(len(labels)), test_size=0.2, stratify=labels, random_state=0
)
# leak check: no test image is a training image, pixel for pixel.
assert not {images[i].numpy().tobytes() for i in test_idx} & {images[i].numpy().tobytes() for i in train_idx}
MEAN, STD = 0.5, 0.5  # the deployed script must normalize exactly like training did


class DigitNet(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),   # 16x16
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),  # 8x8
            nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1),
        )
        self.classifier = nn.Linear(64, num_classes)

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))


# --- 2. Train ---------------------------------------------------------------------------
# channels_last stores each pixel's channels together; CPU convolutions run faster on it
model = DigitNet().to(device, memory_format=torch.channels_last)
x_train = ((images[train_idx] - MEAN) / STD).to(device)
y_train = labels[train_idx].to(device)
epochs, batch_size = 3, 32
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
scheduler = torch.optim.lr_scheduler.OneCycleLR(
    optimizer, max_lr=1e-2, total_steps=epochs * -(-len(x_train) // batch_size)
)
for epoch in range(epochs):
    model.train()
    for batch in torch.randperm(len(x_train), device=device).split(batch_size):
        loss = F.cross_entropy(model(x_train[batch]), y_train[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
model.eval()

# --- 3. Export to ONNX with a dynamic batch dimension --------------------------------------
example = torch.randn(2, 1, 32, 32, device=device)
batch = torch.export.Dim("batch", min=1, max=1024)
onnx_program = torch.onnx.export(
    model, (example,), dynamo=True,
    input_names=["image"], output_names=["logits"],
    dynamic_shapes={"x": {0: batch}}, verbose=False,
)
onnx_program.save("digits.onnx")
print(f"exported digits.onnx ({pathlib.Path('digits.onnx').stat().st_size / 1024:.0f} KiB)")

# --- 4. The "deployment" input: a folder of PNG files -------------------------------------
inbox = pathlib.Path("inbox")
inbox.mkdir(exist_ok=True)
for i in test_idx:
    pixels = (images[i, 0].numpy() * 255).round().astype(np.uint8)
    # the true label goes into the file name so we can score the predictions afterwards
    Image.fromarray(pixels, mode="L").save(inbox / f"{i:04d}_label{labels[i].item()}.png")
files = sorted(inbox.glob("*.png"))
print(f"wrote {len(files)} test images to {inbox}/")


# --- 5. Standalone inference: only onnxruntime + numpy + PIL from here on -------------------
class OnnxDigitClassifier:
    def __init__(self, model_path):
        self.session = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
        self.input_name = self.session.get_inputs()[0].name

    @staticmethod
    def preprocess(path):
        image = Image.open(path).convert("L").resize((32, 32), Image.Resampling.BILINEAR)
        array = np.asarray(image, dtype=np.float32) / 255.0
        return ((array - MEAN) / STD)[None]  # (1, 32, 32): add the channel axis

    def predict(self, paths):
        batch = np.stack([self.preprocess(p) for p in paths])  # any batch size works
        (logits,) = self.session.run(None, {self.input_name: batch})
        exp = np.exp(logits - logits.max(axis=1, keepdims=True))
        probs = exp / exp.sum(axis=1, keepdims=True)
        return probs.argmax(axis=1), probs.max(axis=1)


classifier = OnnxDigitClassifier("digits.onnx")
for path, (pred, conf) in zip(files[:3], zip(*classifier.predict(files[:3]))):
    print(f"{path.name}: predicted {pred} (confidence {conf:.3f})")

predictions = np.concatenate([classifier.predict(files[i:i + 64])[0] for i in range(0, len(files), 64)])
truth = np.array([int(p.stem.split("label")[1]) for p in files])
accuracy = (predictions == truth).mean()
print(f"ONNX Runtime accuracy on {len(files)} image files: {accuracy:.3f}")

# --- 6. Checks: the deployed model agrees with PyTorch and works for any batch size ---------
check = np.stack([OnnxDigitClassifier.preprocess(p) for p in files[:7]])
(onnx_logits,) = classifier.session.run(None, {"image": check})
with torch.no_grad():
    torch_logits = model(torch.from_numpy(check).to(device)).cpu()
torch.testing.assert_close(torch.from_numpy(onnx_logits), torch_logits, atol=1e-4, rtol=1e-4)
assert onnx_logits.shape == (7, 10)
assert classifier.predict(files[:1])[0].shape == (1,)
assert accuracy >= 0.95, accuracy
print("ONNX logits match PyTorch (batch sizes 1, 7 and 64 all accepted)")

matrix = confusion_matrix(truth, predictions)
fig, ax = plt.subplots(figsize=(6, 5))
ConfusionMatrixDisplay(matrix).plot(ax=ax, colorbar=False)
ax.set_title(f"Deployed ONNX model on {len(files)} PNG files (accuracy {accuracy:.1%})")
plt.tight_layout()
plt.show()
