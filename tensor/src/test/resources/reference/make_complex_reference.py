"""Records how PyTorch prints complex tensors, for ComplexTensorTest.

Run:  python make_complex_reference.py   (needs torch; writes torch_complex_printing.txt next to this script)
Each case: "### name|parts dtype|shape|real parts|imaginary parts", then the text torch prints.
"""
import os
import torch

cases = {
    "mixed": torch.tensor([1 + 2j, -3 - 1.5j]),
    "matrix": torch.tensor([[1 + 2j, 3 - 1j], [0.5 + 0j, -2 + 4j]]),
    "integral": torch.tensor([1 + 2j, 3 + 4j]),
    "wide real range": torch.tensor([1e-5 + 2j, 3000 + 4j]),
    "complex128": torch.tensor([1 + 2j, -0.25 + 0.125j], dtype=torch.complex128),
    "scalar": torch.tensor(1.5 - 2j),
    "special": torch.tensor([complex(float("nan"), 1), complex(2, float("inf")), complex(-float("inf"), -1)]),
    "wide imaginary": torch.tensor([12.5 + 1j, 1 - 100j]),
    "long row": torch.arange(24.0).view(12, 2).div(7).contiguous().view(torch.complex64).flatten(),
    "3d": torch.arange(16.0).view(2, 2, 2, 2).div(3).contiguous().view(torch.complex64).squeeze(-1),
    "summarized": torch.complex(torch.arange(1200.0), -torch.arange(1200.0) / 4),
}
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "torch_complex_printing.txt"), "w") as f:
    f.write("# recorded by make_complex_reference.py with torch %s\n" % torch.__version__)
    for name, v in cases.items():
        parts = "F64" if v.dtype == torch.complex128 else "F32"
        re = ",".join(repr(x) for x in v.real.double().flatten().tolist())
        im = ",".join(repr(x) for x in v.imag.double().flatten().tolist())
        f.write("### %s|%s|%s|%s|%s\n" % (name, parts, ",".join(map(str, v.shape)), re, im))
        f.write(str(v) + "\n")
print("wrote", len(cases), "complex printing cases with torch", torch.__version__)
