"""Writes complex_written.safetensors: complex tensors as PyTorch users store them, for ComplexWeightsTest.

Run from anywhere:  python make_complex_fixture.py   (needs torch and safetensors; without them it says so and exits 0)

safetensors has no complex dtype, so complex weights are saved as their real view
(torch.view_as_real: a trailing dimension of 2, real and imaginary parts side by side):
    w64  complex64  [3, 4]: real part arange(12) / 4, imaginary part -arange(12) / 8
    w128 complex128 [2, 3]: real part arange(6) - 2.5, imaginary part (arange(6) + 1) / 3
and, as reference values for Galvani's FFT, PyTorch's rfft2 of a fixed real input:
    x       float64 [2, 6, 5]: sin(0.7 k) + cos(0.3 k^2) for k = 0, 1, ... in row-major order
    x_rfft2 the real view of torch.fft.rfft2(x), float64 [2, 6, 3, 2]
    x_irfft2_odd torch.fft.irfft2(torch.fft.rfft2(x) * 1j, s=(6, 5)), float64 [2, 6, 5]
"""
import os
import sys

try:
    import torch
    from safetensors.torch import save_file
except ImportError as e:
    print(f"make_complex_fixture.py: needs torch and safetensors ({e}); nothing written")
    sys.exit(0)

k = torch.arange(60, dtype=torch.float64)
x = (torch.sin(0.7 * k) + torch.cos(0.3 * k * k)).reshape(2, 6, 5)
w64 = torch.complex(torch.arange(12.0) / 4, -torch.arange(12.0) / 8).reshape(3, 4)
w128 = torch.complex(torch.arange(6, dtype=torch.float64) - 2.5, (torch.arange(6, dtype=torch.float64) + 1) / 3).reshape(2, 3)
spectrum = torch.fft.rfft2(x)
tensors = {
    "w64": torch.view_as_real(w64).contiguous(),
    "w128": torch.view_as_real(w128).contiguous(),
    "x": x,
    "x_rfft2": torch.view_as_real(spectrum).contiguous(),
    "x_irfft2_odd": torch.fft.irfft2(spectrum * 1j, s=(6, 5)),
}
here = os.path.dirname(os.path.abspath(__file__))
save_file(tensors, os.path.join(here, "complex_written.safetensors"), metadata={"torch": torch.__version__})
print("wrote complex_written.safetensors with torch", torch.__version__)
