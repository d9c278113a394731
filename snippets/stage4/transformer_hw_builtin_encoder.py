# exercise added by this site (lesson 4.4): the digit classifier rebuilt with nn.TransformerEncoder
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


class DigitTransformer(nn.Module):
    def __init__(self, embed_size=64, heads=4, num_layers=2, seq_len=8, token_size=8, num_classes=10):
        super().__init__()
        self.token_embedding = nn.Linear(token_size, embed_size)
        self.position_embedding = nn.Parameter(torch.zeros(1, seq_len, embed_size))  # learned positions
        layer = nn.TransformerEncoderLayer(embed_size, heads, dim_feedforward=2 * embed_size,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers)  # deep-copies `layer` num_layers times
        self.head = nn.Linear(embed_size, num_classes)

    def forward(self, rows):  # rows: (N, 8, 8)
        hidden = self.encoder(self.token_embedding(rows) + self.position_embedding)
        return self.head(hidden.mean(dim=1))


digits = load_digits()
images = torch.tensor(digits.images, dtype=torch.float32) / 16.0
labels = torch.tensor(digits.target)
order = torch.randperm(len(images))
train_idx, test_idx = order[:1400], order[1400:]
# leak check: no test digit is also a training digit, pixel for pixel (the digits have no exact duplicates,
# so no deduplication is needed; the same writers are on both sides all the same: no writer ids ship).
assert not {tuple(r) for r in images[test_idx].flatten(1).tolist()} & {tuple(r) for r in images[train_idx].flatten(1).tolist()}
train_loader = DataLoader(TensorDataset(images[train_idx], labels[train_idx]), batch_size=64, shuffle=True)

model = DigitTransformer().to(device)
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
for epoch in range(8):
    model.train()
    for rows, target in train_loader:
        rows, target = rows.to(device), target.to(device)
        optimizer.zero_grad()
        F.cross_entropy(model(rows), target).backward()
        optimizer.step()

model.eval()
with torch.no_grad():
    test_acc = (model(images[test_idx].to(device)).argmax(1).cpu() == labels[test_idx]).float().mean().item()
print(f"nn.TransformerEncoder, {sum(p.numel() for p in model.parameters()):,} parameters: test accuracy {test_acc:.3f}")
assert test_acc >= 0.92
