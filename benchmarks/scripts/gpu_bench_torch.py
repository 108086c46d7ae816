#!/usr/bin/env python3
"""PyTorch's side of benchmarks/gpu-check.sh: the same operations as Galvani's GpuBench on the same GPU,
in the same run, timed with CUDA events (median of 10 after 3 warm-ups). Writes name, milliseconds and
bytes or flops, tab-separated, one line per benchmark. Usage: gpu_bench_torch.py OUT.tsv
TF32 is off, as in Galvani's FP32 paths; the LIF is PyTorch eager with an ATan surrogate autograd.Function
(SNN reference §2-§4: charge with input decay, fire, hard reset to 0), forward and backward."""
import math
import sys

try:
    import torch
except ImportError:
    print("PyTorch is not installed here: no PyTorch column")
    sys.exit(0)

if not torch.cuda.is_available():
    print("PyTorch sees no CUDA device: no PyTorch column")
    sys.exit(0)

torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
dev = torch.device("cuda")
WARMUP, RUNS = 3, 10


def median_ms(fn, warmup=WARMUP, runs=RUNS):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    times.sort()
    return times[runs // 2] if runs % 2 else (times[runs // 2 - 1] + times[runs // 2]) / 2


class ATanSpike(torch.autograd.Function):
    """Heaviside forward; alpha / (2 (1 + (pi alpha x / 2)^2)) backward, alpha = 2."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return (x >= 0).to(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        alpha = 2.0
        u = math.pi * alpha / 2 * x
        return grad * (alpha / 2) / (1 + u * u)


def lif_eager(x, k=0.5, vth=1.0):
    v = torch.zeros_like(x[0])
    spikes = []
    for t in range(x.shape[0]):
        h = v + (x[t] - v) * k
        s = ATanSpike.apply(h - vth)
        v = h * (1 - s)
        spikes.append(s)
    return torch.stack(spikes)


def families():
    """The same shapes as GpuBench.families: cuDNN convolution, pooling and batch norm, the fused Adam,
    cuFFT's rfft, index_select and scatter_add (atomics in PyTorch)."""
    import torch.nn.functional as F
    rows = []
    n, c, hw = 64, 64, 56
    x = torch.randn(n, c, hw, hw, device=dev, requires_grad=True)
    w = torch.randn(c, c, 3, 3, device=dev, requires_grad=True)
    gy = torch.randn(n, c, hw, hw, device=dev)

    def conv_step():
        x.grad, w.grad = None, None
        F.conv2d(x, w, padding=1).backward(gy)

    rows.append(("conv3x3_fwd_bwd_N64_C64_56", median_ms(conv_step), 3 * 2 * n * c * hw * hw * c * 9))
    weight = torch.ones(c, device=dev, requires_grad=True)
    bias = torch.zeros(c, device=dev, requires_grad=True)

    def bn_step():
        x.grad, weight.grad, bias.grad = None, None, None
        F.batch_norm(x, None, None, weight, bias, training=True, eps=1e-5).backward(gy)

    rows.append(("batchnorm_train_fwd_bwd_N64_C64_56", median_ms(bn_step), 4 * x.numel() * 5))
    del x, w, gy
    xp = torch.randn(64, 64, 112, 112, device=dev, requires_grad=True)
    gp = torch.randn(64, 64, 56, 56, device=dev)

    def pool_step():
        xp.grad = None
        F.max_pool2d(xp, 2).backward(gp)

    rows.append(("maxpool2x2_fwd_bwd_N64_C64_112", median_ms(pool_step), 4 * xp.numel() * 2 + 4 * gp.numel() * 2 + 8 * gp.numel() * 2))
    del xp, gp
    m = 1 << 24
    p = torch.randn(m, device=dev, requires_grad=True)
    p.grad = torch.randn(m, device=dev)
    opt = torch.optim.Adam([p], lr=1e-3, fused=True)
    rows.append(("adam_step_2^24", median_ms(opt.step), 4 * m * 7))
    del p, opt
    xf = torch.randn(4096, 4096, device=dev)
    rows.append(("rfft_rows_4096x4096", median_ms(lambda: torch.fft.rfft(xf, dim=-1)), 4 * 4096 * 4096 + 8 * 4096 * 2049))
    del xf
    rws, width, picks = 100_000, 256, 16_384
    table = torch.randn(rws, width, device=dev)
    idx = torch.randint(0, rws, (picks,), device=dev)
    rows.append(("index_select_16384_of_100000x256", median_ms(lambda: table.index_select(0, idx)), 2 * 4 * picks * width + 8 * picks))
    idx2 = torch.randint(0, rws, (picks, width), device=dev)
    src = torch.randn(picks, width, device=dev)
    rows.append(("scatter_add_16384x256_into_100000x256", median_ms(lambda: table.scatter_add(0, idx2, src)), 2 * 4 * rws * width + 12 * picks * width))
    return rows


def linear_lif(notes):
    """The Open Neuromorphic benchmark (snn.md 9.3) as GpuBench.linearLif: Linear(n, n) then the eager LIF
    over T = 500, batch 16, loss spikes.sum(), forward + backward; 1 warm-up, 3 runs; peak allocated memory."""
    rows = []
    t, b = 500, 16
    for n in (4096, 8192, 16384):
        x = torch.randn(t, b, n, device=dev)
        lin = torch.nn.Linear(n, n, device=dev)

        def step():
            lin.zero_grad(set_to_none=True)
            lif_eager(lin(x).reshape(t, b * n)).sum().backward()

        torch.cuda.reset_peak_memory_stats()
        rows.append((f"linear_lif_n{n}", median_ms(step, 1, 3), 2 * 2 * t * b * n * n))
        notes.append(f"linear_lif_n{n}: peak allocated {torch.cuda.max_memory_allocated() / 1e9:.2f} GB")
        del x, lin
        torch.cuda.empty_cache()
    return rows


def main(out):
    rows = []
    n = 1 << 26
    x, y, z = torch.randn(n, device=dev), torch.randn(n, device=dev), torch.empty(n, device=dev)
    rows.append(("copy", median_ms(lambda: z.copy_(x)), 2 * 4 * n))
    rows.append(("add", median_ms(lambda: x + y), 3 * 4 * n))
    rows.append(("mul_scalar", median_ms(lambda: x * 1.5), 2 * 4 * n))
    rows.append(("relu", median_ms(lambda: torch.relu(x)), 2 * 4 * n))
    del x, y, z
    m = 4096
    a, b = torch.randn(m, m, device=dev), torch.randn(m, m, device=dev)
    rows.append(("sgemm4096", median_ms(lambda: a @ b), 2 * m ** 3))
    del a, b
    t, n = 32, 1 << 20
    x = (torch.rand(t, n, device=dev) * 1.5).requires_grad_(True)
    gs = torch.randn(t, n, device=dev)

    def lif_step():
        x.grad = None
        lif_eager(x).backward(gs)

    rows.append(("lif_fwd_bwd_T32_N2^20", median_ms(lif_step), 4 * t * n * 6 + 4 * n * 3))
    del x, gs
    rows += families()
    notes = []
    rows += linear_lif(notes)
    with open(out, "w") as f:
        f.write(f"# torch {torch.__version__}, {torch.cuda.get_device_name(0)}\n")
        for note in notes:
            f.write(f"# {note}\n")
        for name, ms, work in rows:
            line = f"{name}\t{ms:.4f}\t{work}"
            print(line)
            f.write(line + "\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "torch-gpu.tsv")
