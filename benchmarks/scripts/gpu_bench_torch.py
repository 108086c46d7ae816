#!/usr/bin/env python3
"""PyTorch's side of benchmarks/gpu-check.sh: the same operations as Galvani's GpuBench on the same GPU,
in the same run, timed with CUDA events (median of 10 after 3 warm-ups). Writes name, milliseconds and
bytes or flops, tab-separated, one line per benchmark. Usage: gpu_bench_torch.py OUT.tsv
TF32 is off, as in Galvani's FP32 paths, except in the sgemm4096_tf32 row (Galvani's sgemm4096_own_tf32 beside
it). The LIF is PyTorch eager with an ATan surrogate autograd.Function (SNN reference §2-§4: charge with input
decay, fire, hard reset to 0), forward and backward, and, where CuPy is importable, a hand-fused CuPy kernel pair
of the project's own with the same arithmetic (one thread per neuron looping over T, as Galvani's lif.cu), checked
against the eager version in the same run. cnn_epoch_fashion_shape: one epoch of the Fashion-MNIST CNN of
torch_fashion_mnist.py (batch 128, AdamW) on synthetic tensors of Fashion-MNIST's shape made on the GPU."""
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

# The hand-fused LIF of the project's own for CuPy: lif_eager's arithmetic, operation for operation and
# without FMA contraction (as Galvani's lif.cu is compiled), one thread per neuron looping over T with its
# membrane in a register, so each [T, N] array is read or written once, coalesced.
LIF_CUDA = r"""
#define K 0.5f                                  // 1 / tau, tau = 2
#define VTH 1.0f
#define PI_ALPHA_HALF 3.14159265358979f         // pi alpha / 2, alpha = 2
#define HALF_ALPHA 1.0f                         // alpha / 2
// Forward: h = v + (x - v) k; s = (h - vth >= 0); v = h (1 - s): hard reset to 0. Saves s and h.
extern "C" __global__ void lif_fused_forward(const float* __restrict__ x, float* __restrict__ s, float* __restrict__ h, int T, int N) {
    int n = blockIdx.x * blockDim.x + threadIdx.x;
    if (n >= N) return;
    float v = 0.0f;
    for (int t = 0; t < T; ++t) {
        long long e = (long long) t * N + n;
        float hv = v + (x[e] - v) * K;
        float sv = hv - VTH >= 0.0f ? 1.0f : 0.0f;
        v = hv * (1.0f - sv);
        h[e] = hv;
        s[e] = sv;
    }
}
// Backward, the exact reverse recurrence: with sg = (alpha / 2) / (1 + (pi alpha (h - vth) / 2)^2) (ATan) and
// c = dL/dv[t] from the later steps, dL/dh[t] = gs[t] sg + c ((1 - s[t]) - h[t] sg), dL/dx[t] = k dL/dh[t],
// and dL/dv[t-1] = (1 - k) dL/dh[t]; the last membrane has no gradient (only the spikes are outputs).
extern "C" __global__ void lif_fused_backward(const float* __restrict__ gs, const float* __restrict__ h, float* __restrict__ gx, int T, int N) {
    int n = blockIdx.x * blockDim.x + threadIdx.x;
    if (n >= N) return;
    float c = 0.0f;
    for (int t = T - 1; t >= 0; --t) {
        long long e = (long long) t * N + n;
        float hv = h[e];
        float u = PI_ALPHA_HALF * (hv - VTH);
        float sg = HALF_ALPHA / (1.0f + u * u);
        float sv = hv - VTH >= 0.0f ? 1.0f : 0.0f;
        float g = gs[e] * sg + c * ((1.0f - sv) - hv * sg);
        gx[e] = g * K;
        c = g * (1.0f - K);
    }
}
"""


def lif_cupy(x, gs, notes):
    """The fused LIF forward + backward at T = 32, N = 2^20 as the project's own CuPy kernels, timed as the eager
    row; its spikes and dL/dx checked against lif_eager's in the same run (differences into the notes)."""
    try:
        import cupy
    except ImportError as e:
        notes.append(f"lif_fwd_bwd_T32_N2^20_cupy_fused: skipped, CuPy is not importable ({e})")
        return []
    try:
        module = cupy.RawModule(code=LIF_CUDA, options=("--fmad=false",))
        forward, backward = module.get_function("lif_fused_forward"), module.get_function("lif_fused_backward")
        t, n = x.shape
        xd = x.detach().contiguous()
        s, h, gx = torch.empty_like(xd), torch.empty_like(xd), torch.empty_like(xd)
        block, grid = 256, (n + 255) // 256
        fa = (cupy.asarray(xd), cupy.asarray(s), cupy.asarray(h), cupy.int32(t), cupy.int32(n))     # views of PyTorch's memory
        ba = (cupy.asarray(gs.contiguous()), fa[2], cupy.asarray(gx), cupy.int32(t), cupy.int32(n))
        ptr = torch.cuda.current_stream().cuda_stream            # launch on PyTorch's stream, where its events time them
        stream = cupy.cuda.ExternalStream(ptr) if ptr else cupy.cuda.Stream.null

        def step():
            with stream:
                forward((grid,), (block,), fa)
                backward((grid,), (block,), ba)

        step()
        x.grad = None
        spikes = lif_eager(x)
        spikes.backward(gs)
        torch.cuda.synchronize()
        spike_diff = int((spikes.detach() != s).sum().item())
        grad_diff = (x.grad - gx).abs().max().item()
        notes.append(f"lif_fwd_bwd_T32_N2^20_cupy_fused: against lif_eager {spike_diff} spikes differ, "
                     f"max |dL/dx difference| {grad_diff:.3g} (max |dL/dx| {x.grad.abs().max().item():.3g})")
        x.grad = None
        return [("lif_fwd_bwd_T32_N2^20_cupy_fused", median_ms(step), 4 * t * n * 6 + 4 * n * 3)]
    except Exception as e:                       # a failure here must not cost the other rows
        notes.append(f"lif_fwd_bwd_T32_N2^20_cupy_fused: failed ({type(e).__name__}: {e})")
        return []


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


def cnn_epoch(notes, images=60_000, batch=128, warmup_steps=5, seed=42):
    """One training epoch of the Fashion-MNIST CNN (torch_fashion_mnist.py's model: two conv 3x3 + batch norm +
    ReLU + 2x2 max-pool blocks, Linear(3136, 128), ReLU, dropout 0.25, Linear(128, 10)), cross-entropy, AdamW
    (lr 1e-3, weight decay 1e-4, PyTorch's default implementation), batch 128 in order, the last short batch
    dropped, as GpuBench.cnnEpoch. No data set on the GPU machine: the images (60000 x 1 x 28 x 28, standard
    normal) and labels (0..9) are made on the GPU from a fixed seed. A warm-up of a few steps first (cuDNN's
    and the allocator's first calls), then the whole epoch between two CUDA events. Work: images."""
    import torch.nn as nn
    import torch.nn.functional as F
    torch.manual_seed(seed)
    gen = torch.Generator(device=dev).manual_seed(seed)
    x = torch.randn(images, 1, 28, 28, device=dev, generator=gen)
    y = torch.randint(0, 10, (images,), device=dev, generator=gen)
    model = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Dropout(0.25), nn.Linear(128, 10)).to(dev)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
    model.train()
    steps = images // batch

    def step(i):
        xb, yb = x[i * batch:(i + 1) * batch], y[i * batch:(i + 1) * batch]
        loss = F.cross_entropy(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss

    for i in range(warmup_steps):
        step(i)
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for i in range(steps):
        loss = step(i)
    end.record()
    end.synchronize()
    notes.append(f"cnn_epoch_fashion_shape: {steps} steps of batch {batch} on synthetic data of Fashion-MNIST's shape "
                 f"({images} x 1 x 28 x 28, labels 0..9, made on the GPU from seed {seed}), AdamW; last loss {loss.item():.4f}")
    return [("cnn_epoch_fashion_shape", start.elapsed_time(end), images)]


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


class Table:
    """The output file, written as rows come (a timeout then loses only the rows not measured yet); notes are
    lines starting with '#', which the reader of gpu-check.sh takes wherever they are."""

    def __init__(self, path):
        self.f = open(path, "w")
        self.note(f"torch {torch.__version__}, {torch.cuda.get_device_name(0)}")

    def note(self, text):
        self.f.write(f"# {text}\n")
        self.f.flush()

    def add(self, rows, notes=()):
        for name, ms, work in rows:
            line = f"{name}\t{ms:.4f}\t{work}"
            print(line, flush=True)
            self.f.write(line + "\n")
        for text in notes:
            self.note(text)
        self.f.flush()


def main(out):
    table = Table(out)
    n = 1 << 26
    x, y, z = torch.randn(n, device=dev), torch.randn(n, device=dev), torch.empty(n, device=dev)
    table.add([("copy", median_ms(lambda: z.copy_(x)), 2 * 4 * n)])
    table.add([("add", median_ms(lambda: x + y), 3 * 4 * n)])
    table.add([("mul_scalar", median_ms(lambda: x * 1.5), 2 * 4 * n)])
    table.add([("relu", median_ms(lambda: torch.relu(x)), 2 * 4 * n)])
    del x, y, z
    m = 4096
    a, b = torch.randn(m, m, device=dev), torch.randn(m, m, device=dev)
    table.add([("sgemm4096", median_ms(lambda: a @ b), 2 * m ** 3)])
    torch.backends.cuda.matmul.allow_tf32 = True                 # PyTorch's TF32 switch, for this row only
    try:
        table.add([("sgemm4096_tf32", median_ms(lambda: a @ b), 2 * m ** 3)])
    finally:
        torch.backends.cuda.matmul.allow_tf32 = False
    del a, b
    t, n = 32, 1 << 20
    x = (torch.rand(t, n, device=dev) * 1.5).requires_grad_(True)
    gs = torch.randn(t, n, device=dev)

    def lif_step():
        x.grad = None
        lif_eager(x).backward(gs)

    table.add([("lif_fwd_bwd_T32_N2^20", median_ms(lif_step), 4 * t * n * 6 + 4 * n * 3)])
    notes = []
    table.add(lif_cupy(x, gs, notes), notes)
    del x, gs
    table.add(families())
    notes = []
    table.add(linear_lif(notes), notes)
    notes = []
    table.add(cnn_epoch(notes), notes)                  # last, as in GpuBench


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "torch-gpu.tsv")
