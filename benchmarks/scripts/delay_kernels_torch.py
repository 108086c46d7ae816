#!/usr/bin/env python3
"""Times the DCLS dense method in PyTorch (CPU) and prints JSON: the PyTorch half of `./galvani delay-kernels`.

The dense method is the one of the DCLS package (DCLS reference section 13): build the dense kernel
[Cout, Cin, D] per synapse from W, P, sigma (section 2: gauss profile, width |sigma| + 0.27,
normalised with + 1e-7), pad time by D - 1 on the left and (D - 1)/2 on the right (section 3), and
call conv1d; the step timed is forward + backward (W and P learn, sigma is frozen, loss = sum of the
output). Also timed: a plain nn.Linear of the same size on the [T*B, Cin] input (inference, no grad),
the peer of the integer-delay kernel. Same shapes and method as the Java task: inputs made once,
--warmup untimed calls, then the median of --runs calls (time.perf_counter_ns).

    python delay_kernels_torch.py [--shapes 700:256,140:256] [--batch 256] [--steps 100] [--taps 25]
                                  [--sigma 12] [--threads 2] [--warmup 2] [--runs 5] [--json FILE]
"""
import argparse
import json
import statistics
import sys
import time


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--shapes", default="700:256,140:256", help="IN:OUT,... layer shapes")
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--steps", type=int, default=100, help="T, time steps of the input")
    p.add_argument("--taps", type=int, default=25, help="D, the kernel length (odd)")
    p.add_argument("--sigma", type=float, default=12.0, help="sigma of the dense kernel (does not change its cost)")
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    p.add_argument("--warmup", type=int, default=2, help="untimed calls")
    p.add_argument("--runs", type=int, default=5, help="timed calls; the median is reported")
    p.add_argument("--json", default=None, help="also write the JSON to this file")
    args = p.parse_args(argv)
    if args.taps < 1 or args.taps % 2 == 0:
        p.error(f"--taps must be odd and positive, got {args.taps}")
    return args


def dense_kernel(torch, w, p, sigma, taps):
    """Section 2: K[o, i, k] = W n_k, n_k = g_k / (sum_j g_j + 1e-7), g_k = exp(-(k - mu)^2 / (2 s^2))."""
    mu = p + taps // 2                                            # [Cout, Cin, 1]
    k = torch.arange(taps, dtype=w.dtype)                         # [D]
    s = sigma.abs() + 0.27
    g = torch.exp(-(k - mu) ** 2 / (2 * s ** 2))                  # [Cout, Cin, D]
    return w * g / (g.sum(-1, keepdim=True) + 1e-7)


def median_ms(fn, warmup, runs):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter_ns()
        fn()
        times.append((time.perf_counter_ns() - t0) / 1e6)
    return statistics.median(times)


def main(argv):
    args = parse_args(argv)
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        print("delay_kernels_torch.py: torch is not importable with " + sys.executable, file=sys.stderr)
        return 3
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    taps, half = args.taps, (args.taps - 1) // 2
    rows = []
    for shape in args.shapes.split(","):
        cin, cout = (int(v) for v in shape.split(":"))
        x = torch.randn(args.steps, args.batch, cin)               # [T, B, Cin], time-major as in SNN-delays
        w = (torch.rand(cout, cin, 1) * 2 - 1).mul_((6.0 / cin) ** 0.5).requires_grad_(True)
        p = (torch.rand(cout, cin, 1) * (2 * half) - half).requires_grad_(True)
        sigma = torch.full((cout, cin, 1), args.sigma)

        def dense_step():
            w.grad = None
            p.grad = None
            kernel = dense_kernel(torch, w, p, sigma, taps)
            xp = F.pad(x.permute(1, 2, 0), (taps - 1, half))       # [B, Cin, T + D - 1 + half]
            F.conv1d(xp, kernel).sum().backward()                  # [B, Cout, T + half]

        linear = torch.nn.Linear(cin, cout, bias=False)
        flat = x.reshape(-1, cin)

        def linear_step():
            with torch.no_grad():
                linear(flat)

        print(f"torch {shape}: dense method ...", file=sys.stderr, flush=True)
        dense = median_ms(dense_step, args.warmup, args.runs)
        lin = median_ms(linear_step, args.warmup, args.runs)
        rows.append({"shape": shape, "dense_train_ms": dense, "linear_infer_ms": lin})
        print(f"torch {shape}: dense method {dense:.1f} ms, linear {lin:.2f} ms", file=sys.stderr, flush=True)
    result = {"torch": torch.__version__, "threads": args.threads, "batch": args.batch, "steps": args.steps, "taps": taps,
              "runs": args.runs, "rows": rows}
    text = json.dumps(result, indent=1)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
