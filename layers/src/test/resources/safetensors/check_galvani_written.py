"""Checks the files Galvani wrote (galvani_written*.safetensors) with the Python safetensors package.

Run from anywhere:  python check_galvani_written.py
Needs torch, numpy and safetensors. Without them it says so and exits 0. Exits 1 on any mismatch.

The values are rebuilt here from their definitions (PythonCompatibilityTest.nativeTensors and
halfTensors in Java); nothing is taken from the files except what is being checked. Each file is
loaded twice, with safetensors.torch.load_file and with safe_open (which also gives the metadata).
The F16 expectations come from numpy's float -> half conversion, the BF16 ones from an exact
rational rounding written below, which is checked against numpy on F16 first.
"""
import json
import math
import os
import struct
import sys
from fractions import Fraction

try:
    import numpy as np
    import torch
    from torch import nn
    import safetensors
    from safetensors import safe_open
    from safetensors.torch import load_file
except ImportError as e:
    print(f"check_galvani_written.py: skipped, a Python package is missing ({e}); needs torch, numpy and safetensors")
    sys.exit(0)

HERE = os.path.dirname(os.path.abspath(__file__))
inf, nan = float("inf"), float("nan")
h = float.fromhex
problems = []


def check(cond, what):
    if not cond:
        problems.append(what)


def bits(t):
    """A tensor's raw bits as Python ints, so that NaN, -0.0 and every payload compare exactly."""
    as_int = {torch.float32: torch.int32, torch.float64: torch.int64, torch.float16: torch.int16, torch.bfloat16: torch.int16}
    if t.dtype in as_int:
        return t.contiguous().view(as_int[t.dtype]).reshape(-1).tolist()
    return t.reshape(-1).tolist()


def header_of(path):
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    check(n % 8 == 0, f"{path}: header length {n} is not a multiple of 8")
    text = raw[8:8 + n].decode("utf-8")
    check(text == text.rstrip(" ") + " " * (len(text) - len(text.rstrip(" "))), "padding is spaces")
    return json.loads(text, object_pairs_hook=list)


def compare_file(name, expected, metadata):
    path = os.path.join(HERE, name)
    order = [k for k, _ in header_of(path) if k != "__metadata__"]
    check(order == list(expected), f"{name}: header order {order} != {list(expected)}")
    loaded = load_file(path)
    with safe_open(path, framework="pt") as f:
        check(f.metadata() == metadata, f"{name}: metadata {f.metadata()!r} != {metadata!r}")
        check(sorted(f.keys()) == sorted(expected), f"{name}: keys {sorted(f.keys())}")
        opened = {k: f.get_tensor(k) for k in f.keys()}
    for k, want in expected.items():
        for how, got in (("load_file", loaded[k]), ("safe_open", opened[k])):
            check(got.dtype == want.dtype, f"{name}: {k} ({how}): dtype {got.dtype} != {want.dtype}")
            check(tuple(got.shape) == tuple(want.shape), f"{name}: {k} ({how}): shape {tuple(got.shape)} != {tuple(want.shape)}")
            if got.dtype == want.dtype and got.shape == want.shape:
                check(bits(got) == bits(want), f"{name}: {k} ({how}): values {got.tolist()} != {want.tolist()}")
    return loaded


# ---- galvani_written.safetensors: native dtypes, metadata, a state dict ----------------------------

class Model(nn.Module):
    """The model of make_fixtures.py, to load Galvani's state dict into."""

    def __init__(self):
        super().__init__()
        self.layer = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
        self.bn = nn.BatchNorm1d(3)


def native_expected():
    t = {
        "dtypes.f32": torch.tensor([[0.0, -0.0, 1.0, -2.5, h("0x1.555556p-2")],
                                    [h("0x1p-149"), h("0x1.fffffep127"), inf, -inf, nan]], dtype=torch.float32),
        "dtypes.f64": torch.tensor([0.1, -0.0, 5e-324, 1.7976931348623157e308, -inf, nan], dtype=torch.float64),
        "dtypes.i32": torch.tensor([[-2**31, -1], [0, 2**31 - 1]], dtype=torch.int32),
        "dtypes.i64": torch.tensor([-2**63, -1, 0, 2**63 - 1], dtype=torch.int64),
        "dtypes.bool": torch.tensor([[True, False, True], [False, False, True]]),
        "dtypes.scalar": torch.tensor(2.5, dtype=torch.float32),
        "dtypes.empty": torch.zeros(0, 3, dtype=torch.float32),
        "dtypes.transposed": torch.tensor([[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]]),
    }
    # Galvani's state dict: element i of tensor `name` is (i + len(name)) / 8 - 1.
    for name, shape in [("layer.0.weight", (3, 4)), ("layer.0.bias", (3,)), ("layer.2.weight", (2, 3)),
                        ("layer.2.bias", (2,)), ("bn.weight", (3,)), ("bn.bias", (3,)),
                        ("bn.running_mean", (3,)), ("bn.running_var", (3,))]:
        n = math.prod(shape)
        t[name] = torch.tensor([(i + len(name)) / 8 - 1 for i in range(n)], dtype=torch.float32).reshape(shape)
    t["bn.num_batches_tracked"] = torch.tensor(3, dtype=torch.int64)
    return t


NATIVE_METADATA = {"format": "pt", "producer": "galvani",
                   "note": "ünïcødé ✓ 🙂 \"quoted\" back\\slash tab\t newline\n ctrl\u0001"}

native = compare_file("galvani_written.safetensors", native_expected(), NATIVE_METADATA)
model = Model()
result = model.load_state_dict({k: v for k, v in native.items() if not k.startswith("dtypes.")}, strict=True)
check(not result.missing_keys and not result.unexpected_keys, f"load_state_dict: {result}")
check(int(model.bn.num_batches_tracked) == 3, "num_batches_tracked")


# ---- galvani_written_f16 / _bf16: rounding to nearest even ------------------------------------------

def round_to(x, mantissa_bits, min_exponent, max_finite):
    """x rounded to a binary float with the given precision, exactly, ties to even (Fraction + round)."""
    if math.isnan(x) or math.isinf(x) or x == 0:
        return x
    v = Fraction(abs(x))
    exponent = max(math.frexp(abs(x))[1] - 1, min_exponent)     # subnormals share the smallest exponent
    quantum = Fraction(2) ** (exponent - mantissa_bits)
    r = round(v / quantum) * quantum                              # Python rounds half to even
    y = inf if r > max_finite else float(r)                     # past the largest finite: overflow
    return math.copysign(y, x)


F16 = dict(mantissa_bits=10, min_exponent=-14, max_finite=Fraction(65504))
BF16 = dict(mantissa_bits=7, min_exponent=-126, max_finite=Fraction(h("0x1.fep127")))

FROM_F32 = [0.0, -0.0, h("0x1.555556p-2"), 65504.0, 65519.0, 65520.0, h("0x1p-25"), h("0x1.5p-25"), h("0x1.5p-27"),
            -h("0x1.4f8b58p-17"), 1 + h("0x1p-11"), 1 + 3 * h("0x1p-11"), 1 + h("0x1p-8"), 1 + 3 * h("0x1p-8"),
            h("0x1.fefffep127"), h("0x1.fffffep127"), nan, -inf]
FROM_F64 = [1 + h("0x1p-11") + h("0x1p-40"), 1 + h("0x1p-8") + h("0x1p-40"), 0.1, -2.5, 1e300, 5e-324, h("0x1.8p-24")]

# The exact reference agrees with numpy's float -> half on every F16 value here (NaN aside).
for x in FROM_F32 + FROM_F64:
    if not math.isnan(x):
        ref = round_to(x, **F16)
        with np.errstate(over="ignore"):          # 1e300 overflows to inf, as it should
            npv = float(np.array([x], dtype=np.float64).astype(np.float16)[0])
        check(ref == npv and math.copysign(1, ref) == math.copysign(1, npv), f"reference vs numpy for {x!r}: {ref} {npv}")

for dtype, fmt, torch_dtype in (("F16", F16, torch.float16), ("BF16", BF16, torch.bfloat16)):
    def rounded(values):
        return torch.tensor([nan if math.isnan(v) else round_to(v, **fmt) for v in values], dtype=torch.float64).to(torch_dtype)
    expected = {
        "from_f32": rounded(FROM_F32),   # the rounded values are exact in the target type: .to() does not round again
        "from_f64": rounded(FROM_F64),
        "steps": torch.tensor([1, 2], dtype=torch.int64),
        "mask": torch.tensor([True]),
    }
    loaded = compare_file(f"galvani_written_{dtype.lower()}.safetensors", expected, {"dtype": dtype})
    # NaN was compared above bit for bit: 0x7e00 (F16) / 0x7fc0 (BF16), sign and top payload of the
    # float NaN kept, made quiet. torch's own float32 -> half/bfloat16 conversion agrees on every
    # number; its NaN differs (float32 NaN -> bfloat16 gives 0xffff), so NaN is compared as NaN.
    by_torch = torch.tensor(FROM_F32, dtype=torch.float32).to(torch_dtype)
    same = [(a == b) or (math.isnan(x)) for x, a, b in zip(FROM_F32, bits(by_torch), bits(loaded["from_f32"]))]
    check(all(same) and torch.isnan(loaded["from_f32"][-2]).item(),
          f"{dtype}: torch's float32 conversion differs: {by_torch.tolist()}")

# Rounding a double straight to 16 bits differs from rounding it to float first (double rounding):
# 1 + 2^-11 + 2^-40 must become 1 + 2^-10 in F16, and 1 + 2^-8 + 2^-40 must become 1 + 2^-7 in BF16.
f16 = load_file(os.path.join(HERE, "galvani_written_f16.safetensors"))["from_f64"]
bf16 = load_file(os.path.join(HERE, "galvani_written_bf16.safetensors"))["from_f64"]
check(float(f16[0]) == 1 + 2**-10, f"F16 double rounding: {float(f16[0])}")
check(float(bf16[1]) == 1 + 2**-7, f"BF16 double rounding: {float(bf16[1])}")
via_torch = torch.tensor(FROM_F64[:2], dtype=torch.float64)
note = (f"(for comparison, torch's float64 -> float16 gives {via_torch.to(torch.float16).tolist()[0]!r}, "
        f"float64 -> bfloat16 gives {via_torch.to(torch.bfloat16).tolist()[1]!r})")

if problems:
    print("FAILED:")
    for p in problems:
        print("  " + p)
    sys.exit(1)
print(f"OK: galvani_written.safetensors, galvani_written_f16.safetensors, galvani_written_bf16.safetensors "
      f"verified with safetensors {safetensors.__version__}, torch {torch.__version__}, numpy {np.__version__} {note}")
