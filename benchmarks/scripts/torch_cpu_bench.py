#!/usr/bin/env python3
"""Times the side-by-side CPU workloads in PyTorch and prints JSON.

The PyTorch half of benchmarks/scripts/side-by-side.sh: the same operations, shapes, options and
method as dev.galvani.benchmarks.SideBySide (see CpuWorkloads.java): inputs made once, a warm-up of
at least --warmup calls and --warmup-seconds, then the median of --runs calls timed with
time.perf_counter_ns. The JSON has the same form as the Java harness's, joined on each row's "id".

    python torch_cpu_bench.py [--threads 2] [--warmup 3] [--warmup-seconds 1] [--runs 11]
                              [--sizes 256,512,1024,2048] [--elements 16777216] [--conv 8,32,64,64,32,3]
                              [--lif 32,1048576] [--fft2 64,32,256,256] [--fft-sizes 1024,4096,4099]
                              [--only sgemm,dgemm,gemm-shapes,add,mul-add-relu,sum,exp,tanh,sigmoid,special,softmax,conv2d,conv-layers,train-ops,lif,fft]
                              [--json FILE]
"""
import argparse
import json
import platform
import re
import statistics
import sys
import time

OPS = ["sgemm", "dgemm", "gemm-shapes", "add", "mul-add-relu", "sum", "exp", "tanh", "sigmoid", "special", "softmax", "conv2d", "conv-layers", "train-ops", "lif", "fft"]

# Elements per 1-D FFT workload, [FFT_ELEMENTS // n, n] (CpuWorkloads.FFT_ELEMENTS).
FFT_ELEMENTS = 1 << 22

# The Fashion-MNIST CNN's training-step shapes at batch 128 (CpuWorkloads.STEP_*).
STEP_ACTIVATION = (128, 32, 28, 28)
STEP_CONV_INPUT = (128, 32, 14, 14)
STEP_CONV_WEIGHT = (64, 32, 3, 3)
STEP_FC = (128, 3136, 128)

# The Fashion-MNIST CNN's convolutions at batch 128, (N, C, H, W, O), 3x3, padding 1 (CpuWorkloads.CNN_LAYERS).
CNN_LAYERS = [(128, 1, 28, 28, 32), (128, 32, 14, 14, 64)]
CNN_BATCH_PER_CONV_IMAGE = 16   # the rows' batch is 16 times the --conv batch (128 by default)

# The LIF benchmark's rows (CpuWorkloads.LIF_*; the triad's arrays have --elements floats).
LIF_OP = "lif: forward + backward, tau 2, hard reset, ATan (Galvani fused; PyTorch eager loop reading x[t])"
LIF_UNBIND_OP = "lif: PyTorch eager loop over x.unbind(0) (its fastest eager form)"
# The GEMM shapes beyond the square ones, as SideBySide.GEMM_SHAPES: {batch, m, k, n}.
GEMM_SHAPES = [(1, 128, 3136, 128), (32, 128, 64, 128), (144, 20, 32, 32)]
TRIAD_OP = "STREAM triad a = b + s c (memory bandwidth)"


def int_list(count=None):
    def parse(text):
        values = [int(v) for v in text.split(",")]
        if any(v < 1 for v in values) or (count is not None and len(values) != count):
            raise argparse.ArgumentTypeError(f"expected {count or 'some'} positive comma-separated integers, got {text!r}")
        return values
    return parse


def op_list(text):
    ops = text.split(",")
    unknown = [op for op in ops if op not in OPS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown operation(s) {unknown}, known: {','.join(OPS)}")
    return ops


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    p.add_argument("--warmup", type=int, default=3, help="untimed calls, at least")
    p.add_argument("--warmup-seconds", type=float, default=1.0, help="untimed warm-up time, at least")
    p.add_argument("--runs", type=int, default=11, help="timed calls; the median is reported")
    p.add_argument("--sizes", type=int_list(), default=[256, 512, 1024, 2048], help="square SGEMM sizes")
    p.add_argument("--elements", type=int, default=1 << 24, help="length of the add / mul-add-relu / sum / exp / tanh / sigmoid inputs")
    p.add_argument("--conv", type=int_list(6), default=[8, 32, 64, 64, 32, 3],
                   help="N,C,H,W,O,K: input [N, C, H, W], weight [O, C, K, K], stride 1, padding K // 2")
    p.add_argument("--lif", type=int_list(2), default=[32, 1 << 20], help="T,N of the LIF rows")
    p.add_argument("--fft2", type=int_list(4), default=[64, 32, 256, 256], help="B,C,H,W of the rfft2 input (F32)")
    p.add_argument("--fft-sizes", type=int_list(), default=[1024, 4096, 4099], help="1-D FFT lengths: rfft and fft of [2^22 // n, n]")
    p.add_argument("--only", type=op_list, default=OPS, help="comma-separated subset of " + ",".join(OPS))
    p.add_argument("--json", help="write the JSON here as well as to stdout")
    return p.parse_args(argv)


def cases(args, torch):
    """(id, op, shape, prepare) per workload; prepare makes the inputs and returns the timed call.

    The op and shape strings are the Java harness's, character for character, so the report can
    check that both sides timed the same shapes.
    """
    F = torch.nn.functional
    out = []
    if "sgemm" in args.only:
        for n in args.sizes:
            def prepare(n=n):
                a, b = torch.randn(n, n), torch.randn(n, n)
                return lambda: a @ b
            out.append((f"sgemm-{n}", "sgemm", f"[{n}, {n}] @ [{n}, {n}]", prepare))
    if "dgemm" in args.only:
        for n in args.sizes:
            def prepare_d(n=n):
                a, b = torch.randn(n, n, dtype=torch.float64), torch.randn(n, n, dtype=torch.float64)
                return lambda: a @ b
            out.append((f"dgemm-{n}", "dgemm (F64)", f"[{n}, {n}] @ [{n}, {n}]", prepare_d))
    if "gemm-shapes" in args.only:
        # SideBySide.GEMM_SHAPES: {batch, m, k, n}, a classifier head and batched small products.
        for batch, m, k, n in GEMM_SHAPES:
            def prepare_s(batch=batch, m=m, k=k, n=n):
                a = torch.randn(m, k) if batch == 1 else torch.randn(batch, m, k)
                b = torch.randn(k, n) if batch == 1 else torch.randn(batch, k, n)
                return lambda: a @ b
            shape = f"[{m}, {k}] @ [{k}, {n}]" if batch == 1 else f"[{batch}, {m}, {k}] @ [{batch}, {k}, {n}]"
            out.append((f"gemm-{batch}x{m}x{k}x{n}", "sgemm (skinny)" if batch == 1 else "batched sgemm", shape, prepare_s))
    e = args.elements
    if "add" in args.only:
        def prepare_add():
            a, b = torch.randn(e), torch.randn(e)
            return lambda: a + b
        out.append(("add", "add", f"[{e}] + [{e}]", prepare_add))
    if "mul-add-relu" in args.only:
        def prepare_chain():
            x = torch.randn(e)
            # The same three eager ops as Galvani's x.mul(2.0).add(1.0).relu().
            return lambda: x.mul(2.0).add(1.0).relu()
        out.append(("mul-add-relu", "mul-add-relu: relu(x * 2 + 1), 3 eager ops", f"[{e}]", prepare_chain))
    if "sum" in args.only:
        def prepare_sum():
            x = torch.randn(e)
            return lambda: x.sum()
        out.append(("sum", "sum of all elements", f"[{e}] -> []", prepare_sum))
    for fn in ("exp", "tanh", "sigmoid"):
        if fn in args.only:
            def prepare_unary(fn=fn):
                x = torch.randn(e)
                f = getattr(torch, fn)
                return lambda: f(x)
            out.append((fn, fn, f"[{e}]", prepare_unary))
    if "tanh" in args.only and "special" not in args.only:
        out.extend(f64_exp_tanh(torch, e))
    if "special" in args.only:
        out.extend(special(torch, e))
    if "softmax" in args.only:
        out.extend(softmax(torch))
    if "conv2d" in args.only:
        n, c, h, w, o, k = args.conv
        pad = k // 2
        oh, ow = h + 2 * pad - k + 1, w + 2 * pad - k + 1

        def prepare_conv():
            x, wt, b = torch.randn(n, c, h, w), torch.randn(o, c, k, k), torch.randn(o)
            return lambda: F.conv2d(x, wt, b, stride=1, padding=pad)
        out.append(("conv2d", f"conv2d {k}x{k}, stride 1, padding {pad}",
                    f"x [{n}, {c}, {h}, {w}] * w [{o}, {c}, {k}, {k}] + b [{o}] -> [{n}, {o}, {oh}, {ow}]", prepare_conv))
    if "conv-layers" in args.only:
        out.extend(conv_layers(torch, args.conv))
    if "train-ops" in args.only:
        out.extend(train_ops(torch))
    if "lif" in args.only:
        out.extend(lif(torch, args.lif[0], args.lif[1], args.elements))
    if "fft" in args.only:
        out.extend(fft(torch, args.fft2, args.fft_sizes))
    return out


def fft(torch, shape, sizes):
    """SideBySide.fft: torch.fft.rfft2 of an F32 [B, C, H, W]; per n, rfft of an F32 [2^22 // n, n] and fft of a complex64 one."""
    b, c, h, w = shape

    def prepare_rfft2():
        x = torch.randn(b, c, h, w)
        return lambda: torch.fft.rfft2(x)
    out = [("rfft2", "rfft2 over the last two dimensions", f"x {shape_str(shape)} F32 -> [{b}, {c}, {h}, {w // 2 + 1}] complex64", prepare_rfft2)]
    for n in sizes:
        rows = max(1, FFT_ELEMENTS // n)

        def prepare_rfft(rows=rows, n=n):
            x = torch.randn(rows, n)
            return lambda: torch.fft.rfft(x)

        def prepare_fft(rows=rows, n=n):
            z = torch.complex(torch.randn(rows, n), torch.randn(rows, n))
            return lambda: torch.fft.fft(z)
        out.append((f"rfft-{n}", "rfft along the last dimension", f"[{rows}, {n}] F32 -> [{rows}, {n // 2 + 1}] complex64", prepare_rfft))
        out.append((f"fft-{n}", "fft along the last dimension", f"[{rows}, {n}] complex64", prepare_fft))
    return out


def lif(torch, t, n, elements):
    """The LIF of CpuWorkloads.lif as a PyTorch eager loop: per step charge, fire (Heaviside forward, ATan
    surrogate backward through a custom autograd function, as snnTorch and SpikingJelly's torch backend
    do), hard reset; then backward of the spikes with a given dL/dS. And STREAM's triad."""
    alpha = 2.0

    class SpikeATan(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return (x >= 0).to(x.dtype)

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * (alpha / 2) / (1 + (torch.pi / 2 * alpha * x) ** 2)

    def prepare_lif(unbind):
        with torch.inference_mode(False):
            g = torch.Generator().manual_seed(22)
            x0 = torch.randn(t, n, generator=g) * 0.8 + 0.9
            gs = torch.randn(t, n, generator=g)

        def call():
            with torch.inference_mode(False), torch.enable_grad():
                x = x0.detach().requires_grad_(True)
                # x[step] is how SpikingJelly's multi-step loop reads its input; its backward pads each
                # step's gradient to x's size. x.unbind(0) gives all steps as views with one backward.
                steps = x.unbind(0) if unbind else None
                v = torch.zeros(n)
                spikes = []
                for step in range(t):
                    xt = steps[step] if unbind else x[step]
                    h = v + (xt - v) * 0.5               # tau = 2, decay input, V_reset = 0
                    s = SpikeATan.apply(h - 1.0)
                    v = h * (1 - s)                      # hard reset to 0, reset not detached
                    spikes.append(s)
                torch.autograd.backward(torch.stack(spikes), gs)
                return x.grad
        return call

    def prepare_triad():
        a, b, c = torch.empty(elements), torch.randn(elements), torch.randn(elements)
        return lambda: torch.add(b, c, alpha=3.0, out=a)

    return [("lif", LIF_OP, f"x [{t}, {n}] F32", lambda: prepare_lif(False)),
            ("lif-unbind", LIF_UNBIND_OP, f"x [{t}, {n}] F32", lambda: prepare_lif(True)),
            ("triad", TRIAD_OP, f"[{elements}] x 3 F32", prepare_triad)]


def shape_str(shape):
    return "[" + ", ".join(str(v) for v in shape) + "]"


def conv_layers(torch, conv):
    """SideBySide.convLayers: forward + bias, input and weight gradient of 3x3 padding-1 convolutions."""
    F = torch.nn.functional
    n, c, h, w, o, _ = conv
    rows = []
    layers = [(n, c, h, w, o)] + [(n * CNN_BATCH_PER_CONV_IMAGE,) + layer[1:] for layer in CNN_LAYERS]
    for lid, (n, c, h, w, o) in zip(("conv", "cnn1", "cnn2"), layers):
        xs, ws, ys = (n, c, h, w), (o, c, 3, 3), (n, o, h, w)
        shape = f"x {shape_str(xs)} * w {shape_str(ws)}, padding 1 -> {shape_str(ys)}"

        def fwd(xs=xs, ws=ws):
            x, wt, b = torch.randn(*xs), torch.randn(*ws), torch.randn(ws[0])
            return lambda: F.conv2d(x, wt, b, stride=1, padding=1)

        def dx(xs=xs, ws=ws, ys=ys):
            g, wt = torch.randn(*ys), torch.randn(*ws)
            return lambda: torch.nn.grad.conv2d_input(xs, wt, g, stride=1, padding=1)

        def dw(xs=xs, ws=ws, ys=ys):
            x, g = torch.randn(*xs), torch.randn(*ys)
            return lambda: torch.nn.grad.conv2d_weight(x, ws, g, stride=1, padding=1)
        rows.append((f"{lid}-fwd", "conv-layers: conv2d forward + bias", shape, fwd))
        if c > 1:
            rows.append((f"{lid}-dx", "conv-layers: conv2d input gradient", shape, dx))
        rows.append((f"{lid}-dw", "conv-layers: conv2d weight gradient", shape, dw))
    return rows


def special(torch, e):
    """erf, GELU and its backward, ReLU's backward, expm1, log1p (F32) and exp, tanh (F64), as SideBySide.special times them."""
    F = torch.nn.functional
    out = []
    for fn, f in (("erf", torch.special.erf), ("gelu", F.gelu), ("expm1", torch.expm1), ("log1p", torch.log1p)):
        def prepare(f=f):
            x = torch.randn(e)
            return lambda: f(x)
        out.append((fn, fn, f"[{e}]", prepare))

    def gelu_bwd():
        x, g = torch.randn(e), torch.randn(e)
        return lambda: torch.ops.aten.gelu_backward(g, x)   # what GELU's autograd node runs
    out.append(("gelu-bwd", "gelu backward", f"[{e}]", gelu_bwd))

    def relu_bwd():
        x, g = torch.randn(e), torch.randn(e)
        return lambda: torch.ops.aten.threshold_backward(g, x, 0)   # what ReLU's autograd node runs
    out.append(("relu-bwd", "relu backward", f"[{e}]", relu_bwd))
    out.extend(f64_exp_tanh(torch, e))
    return out


def f64_exp_tanh(torch, e):
    """exp and tanh in F64, as SideBySide.f64ExpTanh times them (the special group, or tanh without it)."""
    out = []
    for fn in ("exp", "tanh"):
        def prepare64(fn=fn):
            x = torch.randn(e, dtype=torch.float64)
            f = getattr(torch, fn)
            return lambda: f(x)
        out.append((fn + "-f64", fn + " (F64)", f"[{e}] F64", prepare64))
    return out


def softmax(torch):
    """The softmax family as SideBySide.softmax times it (F32); the composed rows are Galvani's only."""
    logits, vocab, middle = (256, 1000), (64, 32000), (32, 1000, 16)

    def log_softmax():
        x = torch.randn(*logits)
        return lambda: torch.log_softmax(x, -1)

    def softmax_vocab():
        x = torch.randn(*vocab)
        return lambda: torch.softmax(x, -1)

    def softmax_dim1():
        x = torch.randn(*middle)
        return lambda: torch.softmax(x, 1)

    def softmax_bwd():
        y, g = torch.softmax(torch.randn(*logits), -1), torch.randn(*logits)
        return lambda: torch.ops.aten._softmax_backward_data(g, y, -1, torch.float32)   # what softmax's autograd node runs

    def log_softmax_bwd():
        y, g = torch.log_softmax(torch.randn(*logits), -1), torch.randn(*logits)
        return lambda: torch.ops.aten._log_softmax_backward_data(g, y, -1, torch.float32)
    return [("log-softmax", "log-softmax, last dim", shape_str(logits), log_softmax),
            ("softmax-vocab", "softmax, last dim", shape_str(vocab), softmax_vocab),
            ("softmax-dim1", "softmax along dim 1", shape_str(middle), softmax_dim1),
            ("softmax-bwd", "softmax backward, last dim", shape_str(logits), softmax_bwd),
            ("log-softmax-bwd", "log-softmax backward, last dim", shape_str(logits), log_softmax_bwd)]


def train_ops(torch):
    """The per-operation costs of a Fashion-MNIST training step, as SideBySide.trainOps times them in Galvani."""
    F = torch.nn.functional
    act, ci, cw, fc = STEP_ACTIVATION, STEP_CONV_INPUT, STEP_CONV_WEIGHT, STEP_FC
    out_shape = (ci[0], cw[0], ci[2], ci[3])
    conv = f"x {shape_str(ci)} * w {shape_str(cw)}, padding 1 -> {shape_str(out_shape)}"

    def relu():
        x = torch.randn(*act)
        return lambda: torch.relu(x)

    def relu_bwd():
        x, g = torch.randn(*act), torch.randn(*act)
        return lambda: torch.ops.aten.threshold_backward(g, x, 0)   # what ReLU's autograd node runs

    def conv_fwd():
        x, w, b = torch.randn(*ci), torch.randn(*cw), torch.randn(cw[0])
        return lambda: F.conv2d(x, w, b, stride=1, padding=1)

    def conv_dx():
        g, w = torch.randn(*out_shape), torch.randn(*cw)
        return lambda: torch.nn.grad.conv2d_input(ci, w, g, stride=1, padding=1)

    def fc_step():
        x, w, g = torch.randn(fc[0], fc[1]), torch.randn(fc[2], fc[1]), torch.randn(fc[0], fc[2])

        def call():
            x @ w.T
            g @ w
            return g.T @ x
        return call

    return [("step-relu", "train-ops: relu", shape_str(act), relu),
            ("step-relu-bwd", "train-ops: relu backward", shape_str(act), relu_bwd),
            ("step-conv", "train-ops: conv2d forward", conv, conv_fwd),
            ("step-conv-dx", "train-ops: conv2d input gradient", conv, conv_dx),
            ("step-fc", "train-ops: linear forward + 2 gradient GEMMs", f"[{fc[0]}, {fc[1]}] x [{fc[1]}, {fc[2]}]", fc_step)]


def measure(call, args):
    """Median and minimum of args.runs timed calls, in milliseconds, after the warm-up."""
    call()  # the first call also shows whether the operation works at all
    start, i = time.perf_counter(), 1
    while i < args.warmup or time.perf_counter() - start < args.warmup_seconds:
        call()
        i += 1
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter_ns()
        call()
        times.append((time.perf_counter_ns() - t0) / 1e6)
    return statistics.median(times), min(times)


def cpu_backend(torch):
    """The libraries behind PyTorch's CPU kernels, e.g. "MKL 2024.2, oneDNN v3.12.0, ATen parallel backend OpenMP"."""
    parts = []
    for line in torch.__config__.parallel_info().splitlines():
        line = line.strip()
        if line.startswith("Intel(R) oneAPI Math Kernel Library Version"):
            parts.append("MKL " + line.split("Version")[1].split("-")[0].strip())
        elif line.startswith("Intel(R) MKL-DNN") or line.startswith("oneDNN"):
            version = re.search(r"v\d+(\.\d+)+", line)
            parts.append("oneDNN" + (" " + version.group(0) if version else ""))
        elif line.startswith("ATen parallel backend:"):
            parts.append("ATen parallel backend " + line.split(":", 1)[1].strip())
    return ", ".join(parts) or None


def main(argv):
    args = parse_args(argv)
    try:
        import torch
    except ImportError as e:
        print(f"torch_cpu_bench: PyTorch is not importable with {sys.executable}: {e}", file=sys.stderr)
        return 3
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    results = []
    # No autograd graph: Galvani's side records none either.
    with torch.inference_mode():
        for id_, op, shape, prepare in cases(args, torch):
            try:
                median, minimum = measure(prepare(), args)
                row = {"id": id_, "op": op, "shape": shape, "median_ms": median, "min_ms": minimum, "runs": args.runs}
                print(f"  {id_:<14} {shape:<60} {median:10.3f} ms (min {minimum:.3f}, {args.runs} runs)", file=sys.stderr)
            except Exception as e:  # report the row as skipped, as the Java harness does, and go on
                row = {"id": id_, "op": op, "shape": shape, "skipped": f"{type(e).__name__}: {e}"}
                print(f"  {id_:<14} {shape:<60} skipped: {row['skipped']}", file=sys.stderr)
            results.append(row)

    report_backend = cpu_backend(torch)
    report = {
        "library": "pytorch",
        "torch": torch.__version__,
        "python": platform.python_version(),
        "backend": report_backend,
        "threads": torch.get_num_threads(),
        "warmup": args.warmup,
        "warmup_seconds": args.warmup_seconds,
        "runs": args.runs,
        "results": results,
    }
    text = json.dumps(report, indent=2)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
