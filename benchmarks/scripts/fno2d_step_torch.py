#!/usr/bin/env python3
"""Times one FNO2d training step in PyTorch (CPU) and prints JSON: the PyTorch half of `./galvani fno-step`.

FNO2d as operators reference section 2.1 describes it (the original code's Darcy network), written here
from that description: input channels (a, x, y) with the grid on linspace(0, 1); fc0 Linear(3 -> width);
zero padding of P cells at the high end of both axes; four layers SpectralConv2d(width, width, m, m)(x)
+ Conv2d(width, width, 1)(x), the spectral layer being rfft2, two corner weights (section 1.2: the
first m and the last m rows of the first axis, the first m columns), complex channel mixing, irfft2;
GELU after the first three; crop; fc1 Linear(width -> 128), GELU, fc2 Linear(128 -> 1). The step
timed is forward + relative L2 loss (summed over the batch) + backward, with the same shapes as the
Java task: inputs made once, --warmup untimed steps, then the median of --runs steps.

    python fno2d_step_torch.py [--batch 20] [--size 85] [--width 32] [--modes 12] [--padding 9]
                               [--threads 2] [--warmup 2] [--runs 5]
"""
import argparse
import json
import statistics
import sys
import time


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--batch", type=int, default=20)
    p.add_argument("--size", type=int, default=85, help="grid points per axis")
    p.add_argument("--width", type=int, default=32)
    p.add_argument("--modes", type=int, default=12)
    p.add_argument("--padding", type=int, default=9)
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--runs", type=int, default=5)
    return p.parse_args(argv)


def build(torch, width, modes, padding):
    nn, F = torch.nn, torch.nn.functional

    class SpectralConv2d(nn.Module):
        def __init__(self, c, m):
            super().__init__()
            self.m = m
            scale = 1 / (c * c)
            self.weights1 = nn.Parameter(scale * torch.rand(c, c, m, m, dtype=torch.cfloat))
            self.weights2 = nn.Parameter(scale * torch.rand(c, c, m, m, dtype=torch.cfloat))

        def forward(self, x):
            b, c, h, w = x.shape
            m = self.m
            xh = torch.fft.rfft2(x)
            out = torch.zeros(b, self.weights1.shape[1], h, w // 2 + 1, dtype=torch.cfloat)
            out[:, :, :m, :m] = torch.einsum("bixy,ioxy->boxy", xh[:, :, :m, :m], self.weights1)
            out[:, :, -m:, :m] = torch.einsum("bixy,ioxy->boxy", xh[:, :, -m:, :m], self.weights2)
            return torch.fft.irfft2(out, s=(h, w))

    class FNO2d(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc0 = nn.Linear(3, width)
            self.convs = nn.ModuleList([SpectralConv2d(width, modes) for _ in range(4)])
            self.ws = nn.ModuleList([nn.Conv2d(width, width, 1) for _ in range(4)])
            self.fc1 = nn.Linear(width, 128)
            self.fc2 = nn.Linear(128, 1)

        def forward(self, a):                      # a: [B, H, W, 1], channels last as the original
            b, h, w, _ = a.shape
            gx = torch.linspace(0, 1, h).reshape(1, h, 1, 1).expand(b, h, w, 1)
            gy = torch.linspace(0, 1, w).reshape(1, 1, w, 1).expand(b, h, w, 1)
            x = self.fc0(torch.cat((a, gx, gy), dim=-1)).permute(0, 3, 1, 2)
            x = F.pad(x, [0, padding, 0, padding])
            for i in range(4):
                x = self.convs[i](x) + self.ws[i](x)
                if i < 3:
                    x = F.gelu(x)
            x = x[..., :h, :w].permute(0, 2, 3, 1)
            return self.fc2(F.gelu(self.fc1(x)))

    return FNO2d()


def main(argv):
    args = parse_args(argv)
    try:
        import torch
    except ImportError:
        print("fno2d_step_torch.py: torch is not installed in this Python; skipping", file=sys.stderr)
        return 3
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = build(torch, args.width, args.modes, args.padding)
    params = sum(p.numel() * (2 if p.is_complex() else 1) for p in model.parameters())
    a = torch.randn(args.batch, args.size, args.size, 1)
    y = torch.rand(args.batch, args.size, args.size, 1) + 0.1

    def step():
        model.zero_grad(set_to_none=True)
        out = model(a)
        diff = (out - y).reshape(args.batch, -1).norm(dim=1)
        loss = (diff / y.reshape(args.batch, -1).norm(dim=1)).sum()
        loss.backward()

    for _ in range(args.warmup):
        step()
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter_ns()
        step()
        times.append((time.perf_counter_ns() - t0) / 1e6)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "parameters": params,
                      "shape": [args.batch, 1, args.size, args.size], "step_ms": statistics.median(times), "runs_ms": times}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
