package dev.galvani.tensor;

import dev.galvani.tensor.backend.Distribution;

/**
 * Random tensor factories behind {@link Tensor#rand}, {@link Tensor#randn}, {@link Tensor#randint},
 * {@link Tensor#bernoulli} and {@link Tensor#randperm}. Each call reserves {@code numel} counters
 * from the generator and fills a new contiguous tensor; the per-element formulas are documented in
 * {@link Generator} and {@link Philox}.
 */
final class Random {

    private Random() {}

    /** Uniform on [0, 1): F32 or F64. */
    static Tensor uniform(Generator gen, DType dtype, Device device, int... shape) {
        requireFloat("rand", dtype);
        return draw("rand", Distribution.UNIFORM, gen, dtype, device, shape);
    }

    /** Standard normal: F32 or F64. */
    static Tensor normal(Generator gen, DType dtype, Device device, int... shape) {
        requireFloat("randn", dtype);
        return draw("randn", Distribution.NORMAL, gen, dtype, device, shape);
    }

    /**
     * I64 integers uniform on [low, high): each element is {@code low + mulhi_u64(bits, high - low)}
     * of its block's raw 64 bits (Lemire's multiply-shift; relative bias at most
     * {@code (high - low) * 2^-64}).
     */
    static Tensor integers(Generator gen, long low, long high, Device device, int... shape) {
        if (low >= high)
            throw new IllegalArgumentException("randint: low must be less than high, got low = " + low + ", high = " + high);
        return draw("randint", new Distribution.Integers(low, high), gen, DType.I64, device, shape);
    }

    /**
     * Zeros and ones: element {@code i} is 1 when its uniform F64 (53 bits, so {@code p} is honoured
     * to 2^-53) is less than {@code p}. {@code p = 0} never gives 1 and {@code p = 1} always does.
     */
    static Tensor bernoulli(Generator gen, double p, DType dtype, Device device, int... shape) {
        if (!(p >= 0 && p <= 1))
            throw new IllegalArgumentException("bernoulli: probability must be in [0, 1], got " + p);
        if (dtype == DType.BOOL) return bernoulli(gen, p, DType.I32, device, shape).to(DType.BOOL);
        return draw("bernoulli", new Distribution.Bernoulli(p), gen, dtype, device, shape);
    }

    /**
     * Zeros and ones with the dtype, shape and device of {@code probabilities}: element {@code i} is 1
     * when the uniform F64 drawn for it is less than {@code probabilities[i]} (read exactly as a double).
     * The probabilities are checked where reading them costs nothing (the CPU); on an asynchronous
     * device that check would wait for the device on every call, so it is left out there.
     */
    static Tensor bernoulli(Generator gen, Tensor probabilities) {
        if (probabilities == null) throw new IllegalArgumentException("bernoulli: probabilities is null");
        DType dt = probabilities.dtype();
        if (!dt.isFloatingPoint())
            throw new IllegalArgumentException("bernoulli: probabilities must be a floating-point tensor, got " + dt);
        if (probabilities.device().isCpu() && probabilities.numel() > 0 && !probabilities.ge(0.0).logicalAnd(probabilities.le(1.0)).all().itemBool())
            throw new IllegalArgumentException("bernoulli: probabilities must lie in [0, 1] and not be NaN, found values in ["
                    + probabilities.amin().itemDouble() + ", " + probabilities.amax().itemDouble() + "]");
        Tensor u = draw("bernoulli", Distribution.UNIFORM, gen, DType.F64, probabilities.device(), probabilities.shape().raw());
        return u.lt(probabilities).to(dt);
    }

    /**
     * A uniformly random permutation of {@code 0 .. n-1}, I64. Takes the raw 64 bits {@code b[i]} of
     * elements {@code 0 .. n-1} and runs Fisher–Yates: from {@code a = [0 .. n-1]}, for {@code i = n-1}
     * down to 1 swap {@code a[i]} and {@code a[mulhi_u64(b[i], i + 1)]}. Element 0's draw is reserved
     * but unused, so the generator advances by {@code n}. Fisher–Yates is sequential, so the shuffle
     * runs on the host (from the same Philox blocks every device would draw) and is copied to the device.
     */
    static Tensor permutation(Generator gen, int n, Device device) {
        if (n < 0) throw new IllegalArgumentException("randperm: n must be non-negative, got " + n);
        if (gen == null) throw new IllegalArgumentException("randperm: generator is null (use Generator.global() for the default one)");
        long seed = gen.seed(), offset = gen.reserve(n);
        long[] a = new long[n];
        for (int i = 0; i < n; i++) a[i] = i;
        int[] w = new int[4];
        for (int i = n - 1; i > 0; i--) {
            Philox.draw(seed, offset + i, w);
            int j = (int) Math.unsignedMultiplyHigh(Philox.bits64(w[0], w[1]), i + 1L);
            long t = a[i]; a[i] = a[j]; a[j] = t;
        }
        return Creation.wrap(a, DType.I64, Device.CPU, n).to(device);
    }

    // ---------------------------------------------------------------------------------------------

    private static void requireFloat(String op, DType dtype) {
        if (dtype == null || !dtype.isFloatingPoint())
            throw new IllegalArgumentException(op + ": dtype must be F32 or F64, got " + dtype);
    }

    /** A new contiguous tensor filled by one backend random call at the generator's next counters. */
    private static Tensor draw(String op, Distribution dist, Generator gen, DType dtype, Device device, int... shape) {
        if (gen == null) throw new IllegalArgumentException(op + ": generator is null (use Generator.global() for the default one)");
        Tensor out = Creation.uninitialized(dtype, device, shape);
        long n = out.numel();
        long seed = gen.seed();
        long offset = gen.reserve(n);
        if (n > 0) Backends.of(device).random(dist, out.operand(), seed, offset);
        return out;
    }
}
