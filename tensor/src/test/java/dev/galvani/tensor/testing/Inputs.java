package dev.galvani.tensor.testing;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Device;
import dev.galvani.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Test inputs on one device, from a seeded {@link SplittableRandom} (not Galvani's generator, so that
 * the inputs do not depend on the code under test), in several memory layouts.
 */
public final class Inputs {

    private final Device device;
    private final SplittableRandom random;

    public Inputs(Device device, long seed) {
        this.device = device;
        this.random = new SplittableRandom(seed);
    }

    public Device device() { return device; }

    /** Uniform values in [lo, hi) (integers: rounded down), of the given dtype and shape. */
    public Tensor uniform(DType dtype, double lo, double hi, int... shape) {
        int n = (int) NdArray.numel(shape);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            double u = lo + (hi - lo) * random.nextDouble();
            v[i] = dtype.isFloatingPoint() ? u : dtype == DType.BOOL ? (u > (lo + hi) / 2 ? 1 : 0) : Math.floor(u);
        }
        return Tensor.of(v, shape).to(dtype).to(device);
    }

    public Tensor values(DType dtype, double[] v, int... shape) { return Tensor.of(v, shape).to(dtype).to(device); }

    public Tensor longs(long[] v, int... shape) { return Tensor.of(v, shape).to(device); }

    /** Indices uniform in [0, bound) as I64. */
    public Tensor indices(int bound, int... shape) {
        int n = (int) NdArray.numel(shape);
        long[] v = new long[n];
        for (int i = 0; i < n; i++) v[i] = random.nextInt(bound);
        return Tensor.of(v, shape).to(device);
    }

    /**
     * The same values in other layouts: contiguous, with all dimensions stored in reverse order
     * (a permuted view), and every element one apart (a strided view of a larger tensor).
     */
    public List<Layout> layouts(Tensor t) {
        List<Layout> r = new ArrayList<>();
        r.add(new Layout("contiguous", t));
        if (t.dim() >= 2) {
            int[] rev = new int[t.dim()];
            for (int i = 0; i < rev.length; i++) rev[i] = rev.length - 1 - i;
            r.add(new Layout("permuted", t.permute(rev).contiguous().permute(rev)));
        }
        if (t.dim() >= 1 && t.numel() > 0) r.add(new Layout("strided", Tensor.stack(-1, t, t.zerosLike()).select(-1, 0)));
        return r;
    }

    public record Layout(String name, Tensor tensor) {}
}
