package dev.galvani.tensor.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The typed arguments of one kernel launch, checked against the kernel's declared signature as they
 * are added, each as the bytes the kernel's parameter holds (little-endian, as on every CUDA host).
 * A launch with a missing, extra or mistyped argument fails on the host with the kernel's name and
 * the parameter's position, instead of reading garbage on the device. Pure Java, tested on the CPU.
 */
final class KernelArgs {

    /** The kinds of kernel parameter Galvani's kernels take. */
    enum Param {
        /** A device pointer (8 bytes); 0 for an optional operand that is absent. */
        PTR(8),
        /** A 32-bit int. */
        I32(4),
        /** A 64-bit integer (long long or unsigned long long). */
        I64(8),
        /** A float. */
        F32(4),
        /** A double. */
        F64(8),
        /** common.cuh's {@code Shape}: rank and 8 sizes, 9 ints. */
        SHAPE(4 * (CudaLayouts.MAX_DIMS + 1)),
        /** common.cuh's {@code Strided}: offset and 8 strides, 9 ints. */
        STRIDED(4 * (CudaLayouts.MAX_DIMS + 1)),
        /** lif.cu's {@code LifParams}: 6 ints, then 5 doubles at offset 24. */
        LIF_PARAMS(64);

        final int bytes;

        Param(int bytes) { this.bytes = bytes; }
    }

    /**
     * A kernel's name and parameter list, as declared in the CUDA source.
     * @param name the extern "C" name
     * @param params its parameters, in order
     */
    record Signature(String name, Param... params) {
        /** The same parameters under another name (one signature for each dtype's kernel). */
        Signature named(String other) { return new Signature(other, params); }
    }

    private final Signature signature;
    private final List<byte[]> values = new ArrayList<>();

    private KernelArgs(Signature signature) { this.signature = signature; }

    /** An empty argument list for {@code signature}. */
    static KernelArgs of(Signature signature) { return new KernelArgs(signature); }

    /** A device pointer. */
    KernelArgs ptr(long address) { return put(Param.PTR, buffer(8).putLong(address)); }

    /** A 32-bit integer. */
    KernelArgs i32(int value) { return put(Param.I32, buffer(4).putInt(value)); }

    /** A 64-bit integer. */
    KernelArgs i64(long value) { return put(Param.I64, buffer(8).putLong(value)); }

    /** A float. */
    KernelArgs f32(float value) { return put(Param.F32, buffer(4).putFloat(value)); }

    /** A double. */
    KernelArgs f64(double value) { return put(Param.F64, buffer(8).putDouble(value)); }

    /** A {@code Shape} struct ({@link CudaLayouts.Coalesced#shapeStruct}). */
    KernelArgs shape(int[] struct) { return ints(Param.SHAPE, struct); }

    /** A {@code Strided} struct ({@link CudaLayouts.Coalesced#stridedStruct}). */
    KernelArgs strided(int[] struct) { return ints(Param.STRIDED, struct); }

    /** A {@code LifParams} struct: the six flags, then the five doubles. */
    KernelArgs lifParams(int[] flags, double[] values) {
        if (flags.length != 6 || values.length != 5) throw new IllegalArgumentException("LifParams: 6 ints and 5 doubles, got " + flags.length + " and " + values.length);
        ByteBuffer b = buffer(Param.LIF_PARAMS.bytes);
        for (int f : flags) b.putInt(f);
        for (double v : values) b.putDouble(v);
        return put(Param.LIF_PARAMS, b);
    }

    private KernelArgs ints(Param kind, int[] struct) {
        if (struct.length * 4 != kind.bytes) throw new IllegalArgumentException(signature.name() + ": a " + kind + " struct has " + kind.bytes / 4 + " ints, got " + struct.length);
        ByteBuffer b = buffer(kind.bytes);
        for (int v : struct) b.putInt(v);
        return put(kind, b);
    }

    private KernelArgs put(Param kind, ByteBuffer value) {
        int i = values.size();
        if (i >= signature.params().length)
            throw new IllegalArgumentException("kernel " + signature.name() + " takes " + signature.params().length + " arguments; argument " + (i + 1) + " (" + kind + ") is one too many");
        if (signature.params()[i] != kind)
            throw new IllegalArgumentException("kernel " + signature.name() + ": argument " + (i + 1) + " must be " + signature.params()[i] + ", got " + kind);
        values.add(value.array());
        return this;
    }

    /** The parameter values, each as its bytes; fails unless every parameter was given. */
    List<byte[]> values() {
        if (values.size() != signature.params().length)
            throw new IllegalArgumentException("kernel " + signature.name() + " takes " + signature.params().length + " arguments, got " + values.size());
        return values;
    }

    /** The kernel's name. */
    String name() { return signature.name(); }

    private static ByteBuffer buffer(int bytes) { return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN); }
}
