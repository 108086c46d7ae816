#!/usr/bin/env python3
"""PyTorch's CPU time for conv2d's three products on the shapes of ConvPathsProbe (tensor module tests).

A diagnostic for a busy machine: wall-clock ratios (side-by-side.sh) are unreliable when other processes
take most of the CPU, while the CPU time a call consumes on one thread is much less affected. Prints, per
shape, the median CPU milliseconds of forward (no bias), input gradient and weight gradient, 3x3,
stride 1, padding 1, on --threads threads (default 1). Pair it with

  java --add-modules jdk.incubator.vector -Dgalvani.threads=1 \
       -cp tensor/target/classes:tensor/target/test-classes dev.galvani.tensor.cpu.ConvPathsProbe 11

  conv_cpu_time_torch.py [--threads 1] [--runs 11]
"""
import argparse
import sys
import time

SHAPES = [(8, 32, 64, 64, 32), (128, 32, 14, 14, 64), (128, 1, 28, 28, 32)]   # N, C, H, W, O


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--runs", type=int, default=11)
    args = p.parse_args()
    try:
        import torch
    except ImportError:
        print("conv_cpu_time_torch.py: torch is not installed; skipped")
        return 0
    torch.set_num_threads(args.threads)
    F = torch.nn.functional
    for n, c, h, w, o in SHAPES:
        x, wt, gy = torch.randn(n, c, h, w), torch.randn(o, c, 3, 3), torch.randn(n, o, h, w)
        calls = {"fwd": lambda: F.conv2d(x, wt, None, 1, 1),
                 "dx": lambda: torch.nn.grad.conv2d_input(x.shape, wt, gy, 1, 1),
                 "dw": lambda: torch.nn.grad.conv2d_weight(x, wt.shape, gy, 1, 1)}
        gflop = 2.0 * n * o * h * w * c * 9 / 1e9
        print(f"x [{n}, {c}, {h}, {w}] w [{o}, {c}, 3, 3]  ({gflop:.3f} GFLOP per product)")
        for name, call in calls.items():
            for _ in range(3):
                call()
            cpu, wall = [], []
            for _ in range(args.runs):
                c0, t0 = time.process_time(), time.perf_counter()
                call()
                cpu.append(time.process_time() - c0)
                wall.append(time.perf_counter() - t0)
            cpu.sort()
            wall.sort()
            m = args.runs // 2
            print(f"  torch {name:<10} wall {wall[m] * 1e3:8.3f} ms  cpu {cpu[m] * 1e3:8.3f} ms  {gflop / cpu[m]:6.1f} GFLOP/cpu-s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
