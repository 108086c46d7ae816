package dev.galvani.tensor;

import dev.galvani.tensor.backend.Distribution;
import dev.galvani.tensor.cpu.CpuBackend;

/**
 * Random tensor factories behind {@link Tensor#rand}, {@link Tensor#randn}, {@link Tensor#randint},
 * {@link Tensor#bernoulli} and {@link Tensor#randperm}. Each call reserves {@code numel} counters
 * from the generator and fills a new contiguous tensor; the per-element formulas are documented in
 * {@link Generator} and {@link Philox}.
 */
final class Random {

    private Random() {}

    /** Uniform on [0, 1): F32 or F64. */
    static Tensor uniform(Generator gen, DType dtype, int... shape) {
        requireFloat("rand", dtype);
        return draw("rand", Distribution.UNIFORM, gen, dtype, Device.CPU, shape);
    }

    /** Standard normal: F32 or F64. */
    static Tensor normal(Generator gen, DType dtype, int... shape) {
        requireFloat("randn", dtype);
        return draw("randn", Distribution.NORMAL, gen, dtype, Device.CPU, shape);
    }

    /**
     * I64 integers uniform on [low, high): each element is {@code low + mulhi_u64(bits, high - low)}
     * of its block's raw 64 bits (Lemire's multiply-shift; relative bias at most
     * {@code (high - low) * 2^-64}).
     */
    static Tensor integers(Generator gen, long low, long high, int... shape) {
        if (low >= high)
            throw new IllegalArgumentException("randint: low must be less than high, got low = " + low + ", high = " + high);
        Tensor out = draw("randint", Distribution.BITS64, gen, DType.I64, Device.CPU, shape);
        long[] a = (long[]) CpuBackend.array(out);
        int base = out.offset();
        for (int i = 0, n = (int) out.numel(); i < n; i++) a[base + i] = Philox.integer(a[base + i], low, high);
        return out;
    }

    /**
     * F32 zeros and ones: element {@code i} is 1 when its uniform F64 (53 bits, so {@code p} is honoured
     * to 2^-53) is less than {@code p}. {@code p = 0} never gives 1 and {@code p = 1} always does.
     */
    static Tensor bernoulli(Generator gen, double p, int... shape) {
        if (!(p >= 0 && p <= 1))
            throw new IllegalArgumentException("bernoulli: probability must be in [0, 1], got " + p);
        Tensor u = uniform(gen, DType.F64, shape);
        return u.lt(p).to(DType.F32);
    }

    /**
     * Zeros and ones with the dtype, shape and device of {@code probabilities}: element {@code i} is 1
     * when the uniform F64 drawn for it is less than {@code probabilities[i]} (read exactly as a double).
     */
    static Tensor bernoulli(Generator gen, Tensor probabilities) {
        if (probabilities == null) throw new IllegalArgumentException("bernoulli: probabilities is null");
        DType dt = probabilities.dtype();
        if (!dt.isFloatingPoint())
            throw new IllegalArgumentException("bernoulli: probabilities must be a floating-point tensor, got " + dt);
        if (probabilities.numel() > 0 && !probabilities.ge(0.0).logicalAnd(probabilities.le(1.0)).all().itemBool())
            throw new IllegalArgumentException("bernoulli: probabilities must lie in [0, 1] and not be NaN, found values in ["
                    + probabilities.amin().itemDouble() + ", " + probabilities.amax().itemDouble() + "]");
        Tensor u = draw("bernoulli", Distribution.UNIFORM, gen, DType.F64, probabilities.device(), probabilities.shape().raw());
        return u.lt(probabilities).to(dt);
    }

    /**
     * A uniformly random permutation of {@code 0 .. n-1}, I64. Draws the raw 64 bits {@code b[i]} of
     * elements {@code 0 .. n-1} and runs Fisher–Yates: from {@code a = [0 .. n-1]}, for {@code i = n-1}
     * down to 1 swap {@code a[i]} and {@code a[mulhi_u64(b[i], i + 1)]}. Element 0's draw is reserved
     * but unused, so the generator advances by {@code n}.
     */
    static Tensor permutation(Generator gen, int n) {
        if (n < 0) throw new IllegalArgumentException("randperm: n must be non-negative, got " + n);
        Tensor out = draw("randperm", Distribution.BITS64, gen, DType.I64, Device.CPU, n);
        long[] b = (long[]) CpuBackend.array(out);
        int base = out.offset();
        long[] a = new long[n];
        for (int i = 0; i < n; i++) a[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = (int) Math.unsignedMultiplyHigh(b[base + i], i + 1L);
            long t = a[i]; a[i] = a[j]; a[j] = t;
        }
        System.arraycopy(a, 0, b, base, n);
        return out;
    }

    // ---------------------------------------------------------------------------------------------

    private static void requireFloat(String op, DType dtype) {
        if (dtype == null || !dtype.isFloatingPoint())
            throw new IllegalArgumentException(op + ": dtype must be F32 or F64, got " + dtype);
    }

    /** A new contiguous tensor filled by one backend random call at the generator's next counters. */
    private static Tensor draw(String op, Distribution dist, Generator gen, DType dtype, Device device, int... shape) {
        if (gen == null) throw new IllegalArgumentException(op + ": generator is null (use Generator.global() for the default one)");
        Tensor out = Creation.empty(dtype, device, shape);
        long n = out.numel();
        long seed = gen.seed();
        long offset = gen.reserve(n);
        if (n > 0) Backends.of(device).random(dist, out, seed, offset);
        return out;
    }
}
