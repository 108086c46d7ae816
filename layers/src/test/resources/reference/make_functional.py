"""Records PyTorch's values for FunctionalTest (galvani-layers): each case stores its inputs, the
output, and the gradient of sum(output * R) for a fixed random R with respect to every float input.
All float64 so the comparison can be tight. Run: python make_functional.py (needs torch, safetensors).
"""
import os, sys
try:
    import torch, torch.nn as nn, torch.nn.functional as F
    from safetensors.torch import save_file
except ImportError as e:
    print("skipping: needs torch and safetensors (%s)" % e)
    sys.exit(0)

torch.manual_seed(7)
torch.set_default_dtype(torch.float64)
out = {}

def case(name, fn, **inputs):
    # inputs named c_* are constants (no gradient, e.g. class weights)
    leaves = {k: (v.clone().requires_grad_(True) if v.is_floating_point() and not k.startswith("c_") else v) for k, v in inputs.items()}
    y = fn(**leaves)
    r = torch.randn_like(y)
    (y * r).sum().backward()
    for k, v in inputs.items():
        out["%s.in.%s" % (name, k)] = v.clone().contiguous()
        if leaves[k].requires_grad and leaves[k].grad is not None:
            out["%s.grad.%s" % (name, k)] = leaves[k].grad.contiguous()
    out["%s.out" % name] = y.detach().contiguous()
    out["%s.r" % name] = r

logits = torch.randn(6, 5)
target = torch.tensor([0, 4, 1, -100, 2, 4])
weights = torch.rand(5) + 0.5
probs = torch.softmax(torch.randn(6, 5), 1)
case("ce_weighted_ignore", lambda logits, target, c_weight: F.cross_entropy(logits, target, weight=c_weight, ignore_index=-100, label_smoothing=0.2),
     logits=logits, target=target, c_weight=weights)
case("ce_probabilities", lambda logits, target: F.cross_entropy(logits, target, label_smoothing=0.1), logits=logits, target=probs)
case("ce_spatial_none", lambda logits, target: F.cross_entropy(logits, target, reduction="none"), logits=torch.randn(2, 4, 3, 3), target=torch.randint(0, 4, (2, 3, 3)))
case("nll_sum", lambda x, target: F.nll_loss(torch.log_softmax(x, 1), target, reduction="sum"), x=logits, target=torch.tensor([1, 1, 0, 3, 2, 4]))
case("mse", lambda a, b: F.mse_loss(a, b), a=torch.randn(4, 3), b=torch.randn(4, 3))
case("l1_sum", lambda a, b: F.l1_loss(a, b, reduction="sum"), a=torch.randn(4, 3), b=torch.randn(4, 3))
case("smooth_l1", lambda a, b: F.smooth_l1_loss(a, b, beta=0.5), a=torch.randn(4, 3) * 2, b=torch.randn(4, 3))
case("bce_logits", lambda x, y, c_w, c_pw: F.binary_cross_entropy_with_logits(x, y, weight=c_w, pos_weight=c_pw),
     x=torch.randn(5, 3) * 4, y=torch.rand(5, 3), c_w=torch.rand(5, 3), c_pw=torch.rand(3) + 0.5)
case("softmax", lambda x: torch.softmax(x, -1), x=torch.randn(3, 4) * 3)
case("log_softmax", lambda x: torch.log_softmax(x, 0), x=torch.randn(3, 4) * 3)
case("layer_norm", lambda x, w, b: F.layer_norm(x, (3, 4), w, b, 1e-5), x=torch.randn(2, 3, 4), w=torch.rand(3, 4) + 0.5, b=torch.randn(3, 4))
case("group_norm", lambda x, w, b: F.group_norm(x, 2, w, b, 1e-5), x=torch.randn(2, 4, 3, 3), w=torch.rand(4) + 0.5, b=torch.randn(4))
case("batch_norm_1d_train", lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), x=torch.randn(8, 3), w=torch.rand(3) + 0.5, b=torch.randn(3))
case("adaptive_avg_pool", lambda x: F.adaptive_avg_pool2d(x, (3, 2)), x=torch.randn(2, 3, 7, 5))
case("conv_transpose", lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1), x=torch.randn(2, 3, 4, 4), w=torch.randn(3, 2, 3, 3), b=torch.randn(2))
case("conv1d", lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=1), x=torch.randn(2, 3, 9), w=torch.randn(4, 3, 3), b=torch.randn(4))
case("embedding", lambda idx, w: F.embedding(idx, w), idx=torch.tensor([[0, 2], [3, 2]]), w=torch.randn(4, 3))
case("leaky_relu", lambda x: F.leaky_relu(x, 0.1), x=torch.randn(10))
case("elu", lambda x: F.elu(x, 1.5), x=torch.randn(10))
case("linear", lambda x, w, b: F.linear(x, w, b), x=torch.randn(2, 3, 4), w=torch.randn(5, 4), b=torch.randn(5))

here = os.path.dirname(os.path.abspath(__file__))
save_file(out, os.path.join(here, "functional.safetensors"), metadata={"torch": torch.__version__, "script": "make_functional.py"})
print("wrote %d tensors (%d cases) with torch %s" % (len(out), len([k for k in out if k.endswith(".out")]), torch.__version__))
