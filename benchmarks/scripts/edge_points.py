#!/usr/bin/env python3
"""Records PyTorch's forward values and gradients of Galvani's differentiable ops at their special
points: zero (both signs), kinks, bounds, ties, +-inf, NaN, empty inputs. The Java test
EdgePointsTest replays every row and compares (layers/src/test/java/dev/galvani/nn/EdgePointsTest.java).

    /tmp/torch/bin/python benchmarks/scripts/edge_points.py > layers/src/test/resources/edge-points.tsv

Everything runs in float64. Each row: case name, the operands (';' between operands, ' ' between
elements), PyTorch's output, and the gradient of output.sum() with respect to each operand.
Values are written as Java's Double.parseDouble reads them (NaN, Infinity, -0.0)."""
import math
import sys

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    sys.exit("edge_points.py: PyTorch is not installed; see the README (python3 -m venv /tmp/torch && "
             "/tmp/torch/bin/pip install 'torch==2.13.0+cpu')")

INF, NAN = math.inf, math.nan
POINTS = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, INF, -INF, NAN]
POSITIVE_SIDE = [0.0, -0.0, 1e-300, 1.0, 4.0, INF, -1.0, NAN]

# name -> (function of the operand tensors, operands)
UNARY = {
    "abs": torch.abs, "relu": torch.relu, "sign": torch.sign, "neg": torch.neg, "square": torch.square,
    "exp": torch.exp, "expm1": torch.expm1, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "erf": torch.erf,
    "sin": torch.sin, "cos": torch.cos, "floor": torch.floor, "ceil": torch.ceil, "round": torch.round,
    "gelu": F.gelu, "silu": F.silu, "softplus": F.softplus, "elu": F.elu, "elu_alpha2": lambda x: F.elu(x, alpha=2.0),
    "reciprocal": torch.reciprocal,
    "clamp_-1_1": lambda x: torch.clamp(x, -1.0, 1.0), "clampMin_0": lambda x: torch.clamp(x, min=0.0),
    "clampMax_0": lambda x: torch.clamp(x, max=0.0),
    "pow_2": lambda x: torch.pow(x, 2.0), "pow_3": lambda x: torch.pow(x, 3.0), "pow_0": lambda x: torch.pow(x, 0.0),
    "pow_-1": lambda x: torch.pow(x, -1.0), "rpow_2": lambda x: torch.pow(2.0, x),
}
UNARY_POSITIVE = {
    "sqrt": torch.sqrt, "rsqrt": torch.rsqrt, "log": torch.log, "log1p": torch.log1p, "pow_0.5": lambda x: torch.pow(x, 0.5),
}
PAIRS = [(0.0, 0.0), (-0.0, 0.0), (1.0, 1.0), (1.0, 2.0), (2.0, 1.0), (0.0, 1.0), (1.0, 0.0), (-1.0, 0.0), (0.0, -1.0),
         (INF, INF), (INF, 1.0), (NAN, 1.0), (1.0, NAN), (-INF, -INF)]
BINARY = {
    "maximum": torch.maximum, "minimum": torch.minimum, "atan2": torch.atan2, "div": torch.div, "mul": torch.mul,
    "sub": torch.sub, "add": torch.add,
}
POW_PAIRS = [(0.0, 0.0), (0.0, 1.0), (0.0, 2.0), (0.0, 0.5), (0.0, -1.0), (2.0, 0.0), (-2.0, 2.0), (-2.0, 0.5), (1.0, NAN), (INF, 0.0)]
# Reductions over one vector each.
VECTORS = {
    "norm": [[0.0, 0.0, 0.0], [3.0, 4.0], [0.0], [INF, 1.0], [NAN, 1.0]],
    "std": [[1.0, 1.0, 1.0], [2.0], [1.0, 2.0, 3.0]],
    "var": [[1.0, 1.0, 1.0], [2.0], [1.0, 2.0, 3.0]],
    "std_biased": [[1.0, 1.0, 1.0], [2.0], [1.0, 2.0, 3.0]],
    "prod": [[2.0, 0.0, 3.0], [0.0, 0.0, 3.0], [2.0, 3.0, 4.0], []],
    "amax": [[1.0, 3.0, 3.0], [NAN, 1.0], [-INF, -INF]],
    "amin": [[-1.0, -1.0, 2.0], [1.0, NAN]],
    "max": [[1.0, 3.0, 3.0], [NAN, 1.0]],
    "logsumexp": [[-INF, -INF], [INF, 1.0], [0.0, 0.0], [-INF, 0.0]],
    "softmax": [[-INF, 0.0, 0.0], [1000.0, 0.0], [INF, 0.0]],
    "log_softmax": [[-INF, 0.0, 0.0], [1000.0, 0.0]],
    "sum": [[], [INF, -INF]],
    "mean": [[], [1.0, 3.0]],
    "cumsum": [[1.0, INF, 1.0], []],
}
REDUCE = {
    "norm": lambda x: torch.linalg.vector_norm(x), "std": lambda x: torch.std(x), "var": lambda x: torch.var(x),
    "std_biased": lambda x: torch.std(x, unbiased=False), "prod": torch.prod, "amax": torch.amax, "amin": torch.amin,
    "max": torch.max, "logsumexp": lambda x: torch.logsumexp(x, 0), "softmax": lambda x: torch.softmax(x, 0),
    "log_softmax": lambda x: torch.log_softmax(x, 0), "sum": torch.sum, "mean": torch.mean, "cumsum": lambda x: torch.cumsum(x, 0),
}


def fmt(v):
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return repr(float(v))


def vec(t):
    return " ".join(fmt(v) for v in t.reshape(-1).tolist())


def record(name, fn, operands):
    xs = [torch.tensor(o, dtype=torch.float64, requires_grad=True) for o in operands]
    out = fn(*xs)
    out.sum().backward()
    grads = [x.grad if x.grad is not None else torch.zeros_like(x) for x in xs]
    print("\t".join([name, ";".join(vec(x.detach()) for x in xs), vec(out.detach()), ";".join(vec(g) for g in grads)]))


print("# PyTorch %s, float64: case, operands, output, gradient of output.sum() per operand" % torch.__version__)
print("# made by: /tmp/torch/bin/python benchmarks/scripts/edge_points.py > layers/src/test/resources/edge-points.tsv")
for name, fn in UNARY.items():
    for p in POINTS:
        record(name, fn, [[p]])
for name, fn in UNARY_POSITIVE.items():
    for p in POSITIVE_SIDE:
        record(name, fn, [[p]])
for name, fn in BINARY.items():
    for a, b in PAIRS:
        record(name, fn, [[a], [b]])
for a, b in POW_PAIRS:
    record("pow", torch.pow, [[a], [b]])
for name, vectors in VECTORS.items():
    for v in vectors:
        record(name, REDUCE[name], [v])
