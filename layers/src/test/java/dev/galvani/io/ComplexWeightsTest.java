package dev.galvani.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.galvani.tensor.ComplexTensor;
import dev.galvani.tensor.DType;
import dev.galvani.tensor.FFT;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Complex weights in safetensors files, the way PyTorch users store them (safetensors has no
 * complex dtype): as the real view [..., 2] (operators reference §1.5). Galvani's files round-trip
 * bit for bit, and {@code complex_written.safetensors}, written by {@code make_complex_fixture.py}
 * with torch, reads back as the complex numbers the script describes, along with PyTorch's rfft2 and
 * irfft2 of a fixed input, which Galvani's FFT reproduces.
 */
class ComplexWeightsTest {

    @TempDir Path dir;

    @Test
    void complexWeightsRoundTripAsTheirRealView() throws IOException {
        for (DType dt : new DType[]{DType.F32, DType.F64}) {
            ComplexTensor w = ComplexTensor.randn(new Generator(3), dt, dev.galvani.tensor.Device.CPU, 4, 3, 5);
            Path file = dir.resolve("spectral-" + dt + ".safetensors");
            SafeTensors.save(file, Map.of("conv.weight", w.viewAsReal()), Map.of());
            Tensor stored = SafeTensors.load(file).get("conv.weight");
            assertArrayEquals(new int[]{4, 3, 5, 2}, stored.shape().dims());
            assertEquals(dt, stored.dtype());
            ComplexTensor back = stored.viewAsComplex();
            assertArrayEquals(w.real().toDoubleArray(), back.real().toDoubleArray(), 0.0, dt + " real parts");
            assertArrayEquals(w.imag().toDoubleArray(), back.imag().toDoubleArray(), 0.0, dt + " imaginary parts");
        }
    }

    @Test
    void readsComplexWeightsAndFftValuesPyTorchWrote() throws IOException, URISyntaxException {
        Map<String, Tensor> t = SafeTensors.load(Path.of(getClass().getResource("/safetensors/complex_written.safetensors").toURI()));
        ComplexTensor w64 = t.get("w64").viewAsComplex(), w128 = t.get("w128").viewAsComplex();
        assertEquals(DType.F32, w64.dtype());
        assertEquals(DType.F64, w128.dtype());
        for (int i = 0; i < 12; i++) {
            assertEquals(i / 4.0, w64.real().get(i / 4, i % 4), 0.0);
            assertEquals(-i / 8.0, w64.imag().get(i / 4, i % 4), 0.0);
        }
        for (int i = 0; i < 6; i++) {
            assertEquals(i - 2.5, w128.real().get(i / 3, i % 3), 0.0);
            assertEquals((i + 1) / 3.0, w128.imag().get(i / 3, i % 3), 1e-16);
        }
        Tensor x = t.get("x");
        ComplexTensor spectrum = FFT.rfft2(x);
        assertArrayEquals(t.get("x_rfft2").toDoubleArray(), spectrum.viewAsReal().toDoubleArray(), 1e-13, "rfft2 as torch.fft.rfft2");
        ComplexTensor timesI = ComplexTensor.of(spectrum.imag().neg(), spectrum.real());
        assertArrayEquals(t.get("x_irfft2_odd").toDoubleArray(), FFT.irfft2(timesI, new int[]{6, 5}, null, null).toDoubleArray(), 1e-14,
                "irfft2 of i X, odd last size, as torch.fft.irfft2");
    }
}
