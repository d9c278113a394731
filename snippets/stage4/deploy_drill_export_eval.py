# exercise added by this site (lesson 4.2): find the bug: exporting a model that is still in train() mode
import torch
import torch.nn as nn

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


def make_model():
    torch.manual_seed(0)  # the same weights every time
    return nn.Sequential(nn.Linear(64, 128), nn.BatchNorm1d(128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, 10)).to(device)


# Give batch norm some running statistics, as training would
model = make_model()
with torch.no_grad():
    for _ in range(20):
        model(torch.rand(32, 64, device=device) * 2)
x = torch.rand(8, 64, device=device)
model.eval()
with torch.no_grad():
    expected = model(x)  # what the deployed model should compute
state = model.state_dict()

# The bug: export while the model is in train() mode. The graph records dropout and batch-norm
# statistics of the batch, so the exported program is random and depends on the other inputs.
buggy = make_model()
buggy.load_state_dict(state)
buggy.train()
exported_buggy = torch.export.export(buggy, (x,)).module()
with torch.no_grad():
    out_1, out_2 = exported_buggy(x), exported_buggy(x)
print(f"exported in train(): two calls agree: {torch.allclose(out_1, out_2)}, "
      f"max difference from eval() output {(out_1 - expected).abs().max():.3f}")

# The fix: call eval() before exporting
fixed = make_model()
fixed.load_state_dict(state)
fixed.eval()
exported = torch.export.export(fixed, (x,)).module()
with torch.no_grad():
    out = exported(x)
print(f"exported in eval(): max difference from eval() output {(out - expected).abs().max():.2e}")

assert not torch.allclose(out_1, out_2) and (out_1 - expected).abs().max() > 0.1  # the bug
torch.testing.assert_close(out, expected)  # the fix
