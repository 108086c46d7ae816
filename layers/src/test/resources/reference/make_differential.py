"""Records PyTorch's results for Galvani's differential test (DifferentialTest in galvani-layers).

Three cases, all float32, CPU:
  mlp   Linear(8,16) - ReLU - Linear(16,4), cross-entropy on class indices: logits, loss, every gradient,
        then the parameters after one AdamW step (lr 1e-2, weight decay 0.01, PyTorch's other defaults);
  cnn   Conv2d(1,4,3,p1) - BatchNorm2d - ReLU - MaxPool2d(2) - Conv2d(4,6,3,p1) - BatchNorm2d - ReLU -
        AvgPool2d(2) - Flatten - Linear(24,3), training mode, cross-entropy with label smoothing 0.1:
        logits, loss, every gradient, the running statistics after the step, and eval-mode logits.
Run:  python make_differential.py   (needs torch and safetensors; writes differential.safetensors)
"""
import os, sys
try:
    import torch, torch.nn as nn, torch.nn.functional as F
    from safetensors.torch import save_file
except ImportError as e:
    print("skipping: needs torch and safetensors (%s)" % e)
    sys.exit(0)

torch.manual_seed(1234)
torch.set_num_threads(1)
out = {}

def record(prefix, model):
    for k, v in model.state_dict().items():
        out[prefix + k] = v.detach().clone().contiguous()

# ---- MLP + cross-entropy + AdamW ----
mlp = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 4))
x = torch.randn(5, 8)
y = torch.tensor([0, 3, 1, 2, 3])
record("mlp.param.", mlp)
out["mlp.x"], out["mlp.y"] = x, y
logits = mlp(x)
loss = F.cross_entropy(logits, y)
loss.backward()
out["mlp.logits"], out["mlp.loss"] = logits.detach().clone(), loss.detach().clone()
for k, p in mlp.named_parameters():
    out["mlp.grad." + k] = p.grad.clone()
opt = torch.optim.AdamW(mlp.parameters(), lr=1e-2, weight_decay=0.01)
opt.step()
for k, p in mlp.named_parameters():
    out["mlp.adamw." + k] = p.detach().clone()

# ---- CNN with BatchNorm + label-smoothed cross-entropy ----
cnn = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Conv2d(4, 6, 3, padding=1), nn.BatchNorm2d(6), nn.ReLU(), nn.AvgPool2d(2),
                    nn.Flatten(), nn.Linear(24, 3))
with torch.no_grad():   # non-trivial affine parameters and running statistics
    for m in cnn:
        if isinstance(m, nn.BatchNorm2d):
            m.weight.uniform_(0.5, 1.5); m.bias.uniform_(-0.5, 0.5)
            m.running_mean.uniform_(-0.2, 0.2); m.running_var.uniform_(0.5, 2.0)
x = torch.randn(6, 1, 8, 8)
y = torch.tensor([0, 1, 2, 2, 1, 0])
record("cnn.param.", cnn)
out["cnn.x"], out["cnn.y"] = x, y
cnn.train()
logits = cnn(x)
loss = F.cross_entropy(logits, y, label_smoothing=0.1)
loss.backward()
out["cnn.logits"], out["cnn.loss"] = logits.detach().clone(), loss.detach().clone()
for k, p in cnn.named_parameters():
    out["cnn.grad." + k] = p.grad.clone()
record("cnn.after.", cnn)
cnn.eval()
with torch.no_grad():
    out["cnn.eval_logits"] = cnn(x).clone()

here = os.path.dirname(os.path.abspath(__file__))
save_file(out, os.path.join(here, "differential.safetensors"), metadata={"torch": torch.__version__, "script": "make_differential.py"})
print("wrote %d tensors with torch %s" % (len(out), torch.__version__))
