# The computation graph autograd records, drawn by following the grad_fn links of a real tensor
import matplotlib.pyplot as plt
import torch

x = torch.tensor(2.0, requires_grad=True)
w = torch.tensor(3.0, requires_grad=True)
b = torch.tensor(1.0, requires_grad=True)
loss = (w * x + b - 5) ** 2  # forward pass: (3 * 2 + 1 - 5)^2 = 4
names = {id(x): "x = 2", id(w): "w = 3", id(b): "b = 1"}

# Walk the graph from loss.grad_fn: each node lists the nodes it sends gradients to in next_functions.
# AccumulateGrad nodes are where gradients land in a leaf tensor's .grad.
nodes, edges, depth = {}, [], {}
stack = [(loss.grad_fn, 0)]
while stack:
    fn, level = stack.pop()
    depth[fn] = max(depth.get(fn, 0), level)
    label = type(fn).__name__
    if hasattr(fn, "variable"):
        label += f"\n{names[id(fn.variable)]}"
    nodes[fn] = label
    for child, _ in fn.next_functions:
        if child is not None:
            edges.append((fn, child))
            stack.append((child, level + 1))
edges = sorted(set(edges), key=lambda edge: nodes[edge[1]])
for fn, child in edges:
    print(f"{nodes[fn].splitlines()[0]:>14} -> {nodes[child].replace(chr(10), ' ')}")

loss.backward()
print(f"loss = {loss.item()}; dloss/dw = {w.grad.item()}, dloss/dx = {x.grad.item()}, dloss/db = {b.grad.item()}")
# The graph holds one node per operation (mul, add, sub, pow) and one AccumulateGrad per leaf
kinds = sorted(label.splitlines()[0] for label in nodes.values())
assert kinds == sorted(["PowBackward0", "SubBackward0", "AddBackward0", "MulBackward0"] + ["AccumulateGrad"] * 3)
# Chain rule by hand: dloss/dy = 2 (y - 5) = 4 with y = w x + b = 7, then dy/dw = x, dy/dx = w, dy/db = 1
assert (w.grad.item(), x.grad.item(), b.grad.item()) == (8.0, 12.0, 4.0)

# Draw it: the loss at the top, leaves at the bottom; arrows point the way gradients flow
levels = {}
for fn, level in depth.items():
    levels.setdefault(level, []).append(fn)
position = {}
for level, fns in levels.items():
    fns.sort(key=lambda fn: nodes[fn])
    for i, fn in enumerate(fns):
        position[fn] = ((i + 1) / (len(fns) + 1), -level)
fig, ax = plt.subplots(figsize=(7, 5))
for fn, child in edges:
    (x0, y0), (x1, y1) = position[fn], position[child]
    ax.annotate("", xy=(x1, y1 + 0.22), xytext=(x0, y0 - 0.22),
                arrowprops={"arrowstyle": "->", "color": "tab:red"})
for fn, (px, py) in position.items():
    leaf = hasattr(fn, "variable")
    ax.text(px, py, nodes[fn], ha="center", va="center", fontsize=9,
            bbox={"boxstyle": "round", "facecolor": "#d9ead3" if leaf else "#cfe2f3"})
ax.text(0.02, 0.3, "loss = (w * x + b - 5) ** 2", fontsize=10, family="monospace")
ax.set_xlim(0, 1)
ax.set_ylim(-max(levels) - 0.6, 0.6)
ax.axis("off")
ax.set_title("Computation graph of loss = (w*x + b - 5)^2, from loss.grad_fn\n"
             "(arrows: the direction backward() sends gradients)", fontsize=10)
plt.tight_layout()
plt.show()
