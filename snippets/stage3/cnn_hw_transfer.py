# roadmap 3.2 homework 3: transfer learning; pretrain on digits 0-4, reuse the features for 5-9 with 5 examples each
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

digits = load_digits()
images = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0
images = F.interpolate(images, size=(28, 28), mode="bilinear", align_corners=False).to(device)
labels = torch.tensor(digits.target).to(device)

# Source task: plenty of labeled 0-4. Target task: 5-9 with only 5 labeled images per class.
source = labels < 5
X_src, y_src = images[source], labels[source]
g = torch.Generator().manual_seed(0)
target_ids = torch.nonzero(~source).squeeze(1).cpu()
target_ids = target_ids[torch.randperm(len(target_ids), generator=g)]
train_ids = torch.cat([target_ids[labels[target_ids].cpu() == d][:5] for d in range(5, 10)])
test_ids = target_ids[~torch.isin(target_ids, train_ids)]
X_few, y_few = images[train_ids], labels[train_ids] - 5        # classes 5-9 -> 0-4
X_test, y_test = images[test_ids], labels[test_ids] - 5
# leak check: no target test image is a few-shot training image or a source image, pixel for pixel
# (sklearn's digits hold no duplicate image, asserted first).
assert len({im.cpu().numpy().tobytes() for im in images}) == len(images)
seen = {im.cpu().numpy().tobytes() for im in torch.cat([X_few, X_src])}
assert not {im.cpu().numpy().tobytes() for im in X_test} & seen
print(f"source: {len(X_src)} images of 0-4 | target: {len(X_few)} training images of 5-9, {len(X_test)} test images")


def make_backbone():
    # The feature extractor we want to reuse: the convolutions. Edge and stroke detectors are
    # generic; the last fully connected layers are too specific to the source classes to keep.
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2),  # inplace: no extra tensor
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2),
        nn.Flatten(),
    ).to(device, memory_format=torch.channels_last)  # NHWC: the layout oneDNN's CPU convolutions prefer


def make_head():
    return nn.Sequential(nn.Linear(32 * 7 * 7, 64), nn.ReLU(inplace=True), nn.Linear(64, 5))


def train(model, X, y, epochs, lr, batch_size=64):
    # fused=True: each parameter's whole Adam update in one kernel, instead of a chain of small elementwise operations
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=lr, fused=True)
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(X), device=device)
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            loss = F.cross_entropy(model(X[idx]), y[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()


@torch.inference_mode()  # no autograd bookkeeping at all: the cheapest way to evaluate
def accuracy(model, X, y):
    model.eval()
    correct = sum((model(xb).argmax(1) == yb).sum().item() for xb, yb in zip(X.split(256), y.split(256)))
    return correct / len(y)  # in chunks of 256 images: smaller intermediate tensors, less memory traffic


# 1. Pretrain backbone + head on the source task.
torch.manual_seed(0)
backbone = make_backbone().to(device)
source_model = nn.Sequential(backbone, make_head()).to(device)
train(source_model, X_src, y_src, epochs=8, lr=2e-3)
print(f"pretrained on 0-4: training accuracy {accuracy(source_model, X_src, y_src):.3f}")
pretrained_weights = {k: v.clone() for k, v in backbone.state_dict().items()}

checkpoints = [2, 5, 10, 20, 60]  # epochs at which we measure test accuracy


def train_and_track(model, lr, X_train=X_few, X_eval=X_test):
    accs, done = [], 0
    for epoch in checkpoints:
        train(model, X_train, y_few, epochs=epoch - done, lr=lr)
        done = epoch
        accs.append(accuracy(model, X_eval, y_test))
    return accs


results = {}

# 2a. From scratch: a fresh network sees only the target images.
torch.manual_seed(1)
results["from scratch"] = train_and_track(nn.Sequential(make_backbone(), make_head()).to(device), lr=2e-3)

# 2b. Feature extraction: freeze the pretrained backbone, train only a new head. A frozen backbone
# maps an image to the same features in every epoch, so compute them once and train the head on them.
torch.manual_seed(1)
frozen_backbone = make_backbone().to(device)
frozen_backbone.load_state_dict(pretrained_weights)
for p in frozen_backbone.parameters():
    p.requires_grad = False
with torch.no_grad():
    feats_few, feats_test = frozen_backbone(X_few), frozen_backbone(X_test)
results["frozen backbone + new head"] = train_and_track(make_head().to(device), lr=2e-3,
                                                         X_train=feats_few, X_eval=feats_test)

# 2c. Fine-tuning: start from the pretrained backbone and update everything.
torch.manual_seed(1)
tuned_backbone = make_backbone().to(device)
tuned_backbone.load_state_dict(pretrained_weights)
results["fine-tune all layers"] = train_and_track(nn.Sequential(tuned_backbone, make_head()).to(device), lr=2e-3)

print(f"\ntest accuracy on digits 5-9 after N epochs on {len(X_few)} images")
print(f"{'':<28}" + "".join(f"{f'N={n}':>8}" for n in checkpoints))
for name, accs in results.items():
    print(f"{name:<28}" + "".join(f"{a:>8.3f}" for a in accs))

scratch, frozen, tuned = results.values()
# Early on, pretrained features are far ahead: they already know strokes and edges.
assert frozen[1] >= scratch[1] + 0.10 and tuned[1] >= scratch[1] + 0.10
# Given enough epochs, scratch catches up on a task this easy: transfer is no worse, not magic.
assert min(frozen[-1], tuned[-1]) >= scratch[-1] - 0.05
