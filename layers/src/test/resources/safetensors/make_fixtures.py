"""Writes python_written.safetensors and python_expected.txt for Galvani's safetensors reader.

Run from anywhere:  python make_fixtures.py
Needs torch and safetensors (numpy comes with torch). Without them it says so and exits 0.

python_written.safetensors holds one tensor of every dtype Galvani reads (F32, F64, I32, I64,
BOOL, F16, BF16, I8, U8, I16, U16, U32) with edge values (signed zeros, subnormals, infinities,
NaN, integer extremes), a scalar, an empty tensor, metadata with escapes and non-ASCII text, and the
state dict of a small PyTorch model (layer.0.weight ... bn.num_batches_tracked).

python_expected.txt lists, in the order of the file's header, what Galvani must read: each value
after Galvani's widening (F16/BF16 -> F32, small ints -> I32, U32 -> I64), computed here by torch,
written exactly (floats as bit patterns). Format, tab-separated:
    meta    <key as UTF-8 hex>    <value as UTF-8 hex>
    tensor  <name>  <file dtype>  <shape, comma-separated>  <Galvani dtype>  <values, space-separated>
F32 values are 8 hex digits of the float32 bits, F64 16 hex digits, integers decimal, BOOL 0/1.
Running it again gives the same tensors and values (fixed seed), but not always the same bytes:
safetensors keeps the metadata in a Rust HashMap and writes its entries in a random order.
"""
import json
import os
import struct
import sys

try:
    import torch
    from torch import nn
    import safetensors
    from safetensors.torch import save_file
except ImportError as e:
    print(f"make_fixtures.py: skipped, a Python package is missing ({e}); needs torch and safetensors")
    sys.exit(0)

HERE = os.path.dirname(os.path.abspath(__file__))
FILE = os.path.join(HERE, "python_written.safetensors")
EXPECTED = os.path.join(HERE, "python_expected.txt")

inf, nan = float("inf"), float("nan")


def dtype_tensors():
    t = {}
    # F32: signed zeros, the smallest subnormal, the largest finite, infinities, NaN, an inexact value.
    t["dtypes.f32"] = torch.tensor([[0.0, -0.0, 1.0, -2.5, 1 / 3],
                                    [1.4e-45, 3.4028234663852886e38, inf, -inf, nan]], dtype=torch.float32)
    t["dtypes.f64"] = torch.tensor([0.1, -0.0, 5e-324, 1.7976931348623157e308, -inf, nan], dtype=torch.float64)
    t["dtypes.i32"] = torch.tensor([[-2**31, -1], [0, 2**31 - 1]], dtype=torch.int32)
    t["dtypes.i64"] = torch.tensor([-2**63, -1, 0, 2**63 - 1], dtype=torch.int64)
    t["dtypes.bool"] = torch.tensor([[True, False, True], [False, False, True]])
    # F16: zero, -0, smallest subnormal 2^-24, largest subnormal, smallest normal 2^-14, 1/3 rounded,
    # largest finite 65504, infinities, NaN.
    t["dtypes.f16"] = torch.tensor([0.0, -0.0, 2**-24, 1023 * 2**-24, 2**-14, 1 / 3, -65504.0, inf, -inf, nan],
                                   dtype=torch.float16)
    # BF16: smallest subnormal 2^-133, smallest normal 2^-126, 1/3 rounded, largest finite, inf, NaN.
    t["dtypes.bf16"] = torch.tensor([0.0, -0.0, 2**-133, 2**-126, 1 / 3, -3.3895313892515355e38, inf, -inf, nan],
                                    dtype=torch.bfloat16)
    t["dtypes.i8"] = torch.tensor([-128, -1, 0, 127], dtype=torch.int8)
    t["dtypes.u8"] = torch.tensor([0, 1, 128, 255], dtype=torch.uint8)
    t["dtypes.i16"] = torch.tensor([-32768, -1, 0, 32767], dtype=torch.int16)
    t["dtypes.u16"] = torch.tensor([0, 1, 32768, 65535], dtype=torch.uint16)
    t["dtypes.u32"] = torch.tensor([0, 1, 2**31, 2**32 - 1], dtype=torch.uint32)
    t["dtypes.scalar"] = torch.tensor(2.5, dtype=torch.float32)          # shape []
    t["dtypes.empty"] = torch.zeros(0, 3, dtype=torch.float32)          # no bytes at all
    return t


class Model(nn.Module):
    """A small model whose state dict has PyTorch's usual dotted names."""

    def __init__(self):
        super().__init__()
        self.layer = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
        self.bn = nn.BatchNorm1d(3)

    def forward(self, x):
        h = self.layer[1](self.layer[0](x))
        return self.layer[2](self.bn(h))


def state_dict():
    torch.manual_seed(0)
    model = Model()
    model.train()
    for _ in range(3):   # three training-mode passes: non-trivial running statistics, num_batches_tracked = 3
        model(torch.randn(5, 4))
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


METADATA = {
    "format": "pt",
    "producer": "make_fixtures.py",
    "note": "ünïcødé ✓ 🙂 \"quoted\" back\\slash tab\t newline\n",
}


def galvani_view(t):
    """(Galvani dtype, values as strings) for what Galvani must read from t."""
    if t.dtype == torch.float16:
        # torch widens every F16 NaN to 0x7fffffff; IEEE 754 (and numpy, and Java's
        # Float.float16ToFloat) keep the payload: 0x7e00 -> 0x7fc00000. Galvani keeps it, so the
        # expected bits come from numpy, checked against torch for every non-NaN value.
        import numpy as np
        widened = t.reshape(-1).view(torch.int16).numpy().view(np.float16).astype(np.float32)
        by_torch = t.reshape(-1).to(torch.float32).numpy()
        assert all((a == b and np.signbit(a) == np.signbit(b)) or (np.isnan(a) and np.isnan(b))
                   for a, b in zip(widened, by_torch))
        return "F32", [format(int(b), "08x") for b in widened.view(np.uint32)]
    if t.dtype in (torch.float32, torch.bfloat16):
        bits = t.to(torch.float32).reshape(-1).view(torch.int32).tolist()
        return "F32", [format(b & 0xffffffff, "08x") for b in bits]
    if t.dtype == torch.float64:
        bits = t.reshape(-1).view(torch.int64).tolist()
        return "F64", [format(b & 0xffffffffffffffff, "016x") for b in bits]
    if t.dtype == torch.bool:
        return "BOOL", ["1" if v else "0" for v in t.reshape(-1).tolist()]
    if t.dtype in (torch.int8, torch.uint8, torch.int16, torch.int32):
        return "I32", [str(v) for v in t.to(torch.int32).reshape(-1).tolist()]
    if t.dtype == torch.uint16:
        return "I32", [str(v) for v in t.to(torch.int32).reshape(-1).tolist()]
    if t.dtype in (torch.uint32, torch.int64):
        return "I64", [str(v) for v in t.to(torch.int64).reshape(-1).tolist()]
    raise ValueError(t.dtype)


def main():
    tensors = dtype_tensors()
    tensors.update(state_dict())
    save_file(tensors, FILE, metadata=METADATA)

    # List the tensors in the order of the header as written, which is the order Galvani must keep.
    with open(FILE, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n).decode("utf-8"), object_pairs_hook=list)
    names = [k for k, _ in header if k != "__metadata__"]
    file_dtypes = dict((k, v) for k, v in header)

    lines = [f"# Expected values for python_written.safetensors; written by make_fixtures.py with "
             f"torch {torch.__version__}, safetensors {safetensors.__version__}.",
             "# See make_fixtures.py for the format."]
    for k, v in METADATA.items():
        lines.append("meta\t" + k.encode().hex() + "\t" + v.encode().hex())
    for name in names:
        t = tensors[name]
        galvani, values = galvani_view(t)
        file_dtype = dict(file_dtypes[name])["dtype"]
        shape = ",".join(str(d) for d in t.shape)
        lines.append("\t".join(["tensor", name, file_dtype, shape, galvani, " ".join(values)]))
    with open(EXPECTED, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {FILE} ({os.path.getsize(FILE)} bytes, {len(names)} tensors) and {EXPECTED}")


if __name__ == "__main__":
    main()
