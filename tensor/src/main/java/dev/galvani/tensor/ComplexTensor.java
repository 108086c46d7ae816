package dev.galvani.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A tensor of complex numbers (PyTorch's complex64 and complex128): two real tensors of one shape,
 * dtype (F32 or F64) and device, the real and the imaginary parts ("split" storage). Every operation
 * is composed from recorded real operations on the two parts, so autograd differentiates complex
 * code without complex rules: the gradient of a real loss reaches {@link #real()} and
 * {@link #imag()} as two real gradients, the convention in which PyTorch's complex gradient is
 * {@code grad.real + i grad.imag}.
 *
 * <p>PyTorch's interleaved layout is one call away: {@link #viewAsComplex(Tensor)} reads a real
 * tensor with a trailing dimension of 2 (as views, no copy) and {@link #viewAsReal()} writes one (a
 * copy, since the parts are stored apart); that is the form complex weights take in safetensors
 * files and in optimizers (operators reference §1.5). Immutable; the parts are never copied
 * behind the caller's back.
 */
public final class ComplexTensor {

    private final Tensor re, im;

    /** The parts as they are (the caller has checked them). */
    ComplexTensor(Tensor re, Tensor im) {
        this.re = re;
        this.im = im;
    }

    // ================================ creation ================================

    /**
     * The complex tensor re + i im. The parts are broadcast to one shape and promoted to one
     * floating-point dtype (integers become F32), and must be on one device.
     */
    public static ComplexTensor of(Tensor re, Tensor im) {
        Backends.of("ComplexTensor.of", re, im);
        DType dt = floating(DType.promote(re.dtype(), im.dtype()));
        int[] shape = Shape.broadcast("ComplexTensor.of", re.shape, im.shape).raw();
        return new ComplexTensor(re.to(dt).expand(shape), im.to(dt).expand(shape));
    }

    /** The real tensor x as a complex one (imaginary part zero, of x's dtype, or F32 for integers). */
    public static ComplexTensor ofReal(Tensor x) {
        Tensor r = x.to(floating(x.dtype()));
        return new ComplexTensor(r, r.zerosLike());
    }

    /** abs · exp(i angle), as {@code torch.polar}. */
    public static ComplexTensor polar(Tensor abs, Tensor angle) { return of(abs.mul(angle.cos()), abs.mul(angle.sin())); }

    /** Zeros of the given part dtype (F32: complex64, F64: complex128). */
    public static ComplexTensor zeros(DType dtype, Device device, int... shape) {
        return new ComplexTensor(Tensor.zeros(floating(dtype), device, shape), Tensor.zeros(floating(dtype), device, shape));
    }

    /**
     * Standard complex normal numbers, as {@code torch.randn(..., dtype=torch.cfloat)}: real and
     * imaginary parts independent N(0, 1/2), so E|z|² = 1. The real parts are drawn first.
     */
    public static ComplexTensor randn(Generator gen, DType dtype, Device device, int... shape) {
        double s = Math.sqrt(0.5);
        Tensor r = Tensor.randn(gen, floating(dtype), device, shape).mul(s), i = Tensor.randn(gen, floating(dtype), device, shape).mul(s);
        return new ComplexTensor(r, i);
    }

    /**
     * The complex view of a real tensor [..., 2] in PyTorch's layout (real and imaginary parts
     * side by side in the last dimension), as {@code torch.view_as_complex}: no copy, and the
     * gradient flows back into x.
     */
    public static ComplexTensor viewAsComplex(Tensor x) {
        if (x.dim() == 0 || x.size(-1) != 2)
            throw new IllegalArgumentException("viewAsComplex: needs a last dimension of size 2 (real, imaginary), got " + x.shape());
        if (!x.dtype().isFloatingPoint()) throw new IllegalArgumentException("viewAsComplex: needs F32 or F64, got " + x.dtype());
        return new ComplexTensor(x.select(-1, 0), x.select(-1, 1));
    }

    /** This tensor in PyTorch's real layout [..., 2], as {@code torch.view_as_real} (a copy here: the parts are stored apart). */
    public Tensor viewAsReal() { return Tensor.stack(-1, re, im); }

    /** Parts, each in the order given: {@code cat(dim, a, b)} joins the real parts and the imaginary parts. */
    public static ComplexTensor cat(int dim, ComplexTensor... parts) {
        List<Tensor> r = new ArrayList<>(), i = new ArrayList<>();
        for (ComplexTensor p : parts) {
            r.add(p.re);
            i.add(p.im);
        }
        return new ComplexTensor(Tensor.cat(r, dim), Tensor.cat(i, dim));
    }

    /** Tensors of one shape joined along a new dimension, as {@code torch.stack}. */
    public static ComplexTensor stack(int dim, ComplexTensor... parts) {
        List<Tensor> r = new ArrayList<>(), i = new ArrayList<>();
        for (ComplexTensor p : parts) {
            r.add(p.re);
            i.add(p.im);
        }
        return new ComplexTensor(Tensor.stack(r, dim), Tensor.stack(i, dim));
    }

    private static DType floating(DType t) { return t.isFloatingPoint() ? t : DType.F32; }

    // ================================ parts and properties ================================

    /** The real part, as {@code z.real}. */
    public Tensor real() { return re; }

    /** The imaginary part, as {@code z.imag}. */
    public Tensor imag() { return im; }

    /** The shape (the parts'). */
    public Shape shape() { return re.shape(); }

    /** The size of dimension d (negative counts from the end). */
    public int size(int d) { return re.size(d); }

    /** The number of dimensions. */
    public int dim() { return re.dim(); }

    /** The number of complex elements. */
    public long numel() { return re.numel(); }

    /** The parts' dtype: F32 for complex64, F64 for complex128. */
    public DType dtype() { return re.dtype(); }

    /** The device the parts live on. */
    public Device device() { return re.device(); }

    /** True when either part requires a gradient. */
    public boolean requiresGrad() { return re.requiresGrad() || im.requiresGrad(); }

    /** Both parts detached from the graph. */
    public ComplexTensor detach() { return new ComplexTensor(re.detach(), im.detach()); }

    /** Both parts on another device (recorded). */
    public ComplexTensor to(Device device) { return new ComplexTensor(re.to(device), im.to(device)); }

    /** Both parts in another floating-point dtype (F32: complex64, F64: complex128). */
    public ComplexTensor to(DType dtype) {
        if (!dtype.isFloatingPoint()) throw new IllegalArgumentException("ComplexTensor.to: complex parts are F32 or F64, not " + dtype);
        return new ComplexTensor(re.to(dtype), im.to(dtype));
    }

    /** Both parts contiguous (copies only where needed). */
    public ComplexTensor contiguous() { return new ComplexTensor(re.contiguous(), im.contiguous()); }

    // ================================ element-wise ================================

    /** this + other. */
    public ComplexTensor add(ComplexTensor other) { return new ComplexTensor(re.add(other.re), im.add(other.im)); }

    /** this + a real tensor. */
    public ComplexTensor add(Tensor other) {
        Tensor r = re.add(other);
        return new ComplexTensor(r, im.to(r.dtype()).expand(r.shape.raw()));
    }

    /** this − other. */
    public ComplexTensor sub(ComplexTensor other) { return new ComplexTensor(re.sub(other.re), im.sub(other.im)); }

    /** this − a real tensor. */
    public ComplexTensor sub(Tensor other) { return add(other.neg()); }

    /** (a + ib)(c + id) = (ac − bd) + i(ad + bc). */
    public ComplexTensor mul(ComplexTensor other) {
        return new ComplexTensor(re.mul(other.re).sub(im.mul(other.im)), re.mul(other.im).add(im.mul(other.re)));
    }

    /** this times a real tensor (broadcast). */
    public ComplexTensor mul(Tensor other) { return new ComplexTensor(re.mul(other), im.mul(other)); }

    /** this times a real number. */
    public ComplexTensor mul(double v) { return new ComplexTensor(re.mul(v), im.mul(v)); }

    /** (a + ib)/(c + id) = ((ac + bd) + i(bc − ad)) / (c² + d²). */
    public ComplexTensor div(ComplexTensor other) {
        Tensor den = other.re.square().add(other.im.square());
        return new ComplexTensor(re.mul(other.re).add(im.mul(other.im)).div(den), im.mul(other.re).sub(re.mul(other.im)).div(den));
    }

    /** this divided by a real tensor (broadcast). */
    public ComplexTensor div(Tensor other) { return new ComplexTensor(re.div(other), im.div(other)); }

    /** −this. */
    public ComplexTensor neg() { return new ComplexTensor(re.neg(), im.neg()); }

    /** The complex conjugate a − ib, as {@code torch.conj} (materialised: a negated imaginary part). */
    public ComplexTensor conj() { return new ComplexTensor(re, im.neg()); }

    /** |z| = √(a² + b²), as {@code torch.abs}; its gradient at 0 is 0, as PyTorch's. */
    public Tensor abs() { return Reductions.rootWithZeroGradientAtZero(re.square().add(im.square()), 2); }

    /** |z|², without the square root. */
    public Tensor absSquare() { return re.square().add(im.square()); }

    /** The argument atan2(b, a) in (−π, π], as {@code torch.angle}. */
    public Tensor angle() { return im.atan2(re); }

    /** exp(a + ib) = e^a (cos b + i sin b). */
    public ComplexTensor exp() {
        Tensor m = re.exp();
        return new ComplexTensor(m.mul(im.cos()), m.mul(im.sin()));
    }

    // ================================ reductions ================================

    /** The sum of all elements (a 0-d complex tensor). */
    public ComplexTensor sum() { return new ComplexTensor(re.sum(), im.sum()); }

    /** The sum over {@code dims}. */
    public ComplexTensor sum(int[] dims, boolean keepDim) { return new ComplexTensor(re.sum(dims, keepDim), im.sum(dims, keepDim)); }

    /** The mean of all elements. */
    public ComplexTensor mean() { return new ComplexTensor(re.mean(), im.mean()); }

    /** The mean over {@code dims}. */
    public ComplexTensor mean(int[] dims, boolean keepDim) { return new ComplexTensor(re.mean(dims, keepDim), im.mean(dims, keepDim)); }

    // ================================ views and copies ================================

    /** Both parts reshaped. */
    public ComplexTensor reshape(int... shape) { return new ComplexTensor(re.reshape(shape), im.reshape(shape)); }

    /** Both parts permuted. */
    public ComplexTensor permute(int... dims) { return new ComplexTensor(re.permute(dims), im.permute(dims)); }

    /** Both parts with two dimensions swapped. */
    public ComplexTensor transpose(int dim0, int dim1) { return new ComplexTensor(re.transpose(dim0, dim1), im.transpose(dim0, dim1)); }

    /** Both parts with a size-1 dimension inserted. */
    public ComplexTensor unsqueeze(int dim) { return new ComplexTensor(re.unsqueeze(dim), im.unsqueeze(dim)); }

    /** Both parts with a size-1 dimension removed. */
    public ComplexTensor squeeze(int dim) { return new ComplexTensor(re.squeeze(dim), im.squeeze(dim)); }

    /** Both parts broadcast to {@code shape}. */
    public ComplexTensor expand(int... shape) { return new ComplexTensor(re.expand(shape), im.expand(shape)); }

    /** Elements [start, start + length) of {@code dim}. */
    public ComplexTensor narrow(int dim, int start, int length) { return new ComplexTensor(re.narrow(dim, start, length), im.narrow(dim, start, length)); }

    /** Elements [start, end) of {@code dim} with a step. */
    public ComplexTensor slice(int dim, int start, int end, int step) { return new ComplexTensor(re.slice(dim, start, end, step), im.slice(dim, start, end, step)); }

    /** Index {@code index} of {@code dim}, which is removed. */
    public ComplexTensor select(int dim, int index) { return new ComplexTensor(re.select(dim, index), im.select(dim, index)); }

    /** Dimensions startDim to endDim merged into one. */
    public ComplexTensor flatten(int startDim, int endDim) { return new ComplexTensor(re.flatten(startDim, endDim), im.flatten(startDim, endDim)); }

    /** Zero padding in PyTorch's order of {@code pads} (last dimension first), as {@link Tensor#pad(int...)}. */
    public ComplexTensor pad(int... pads) { return new ComplexTensor(re.pad(pads), im.pad(pads)); }

    /** A copy rolled by {@code shifts[i]} along {@code dims[i]}, as {@code torch.roll}. */
    public ComplexTensor roll(int[] shifts, int[] dims) { return new ComplexTensor(re.roll(shifts, dims), im.roll(shifts, dims)); }

    // ================================ products ================================

    /**
     * The channel mixing of a spectral convolution (operators reference §1.1–1.2):
     * {@code einsum("bi...,io...->bo...", x, w)}, x [B, I, modes...] and w [I, O, modes...], one
     * complex product per retained mode. Computed as one batched real product per mode with the
     * block matrices [xr xi] [[wr, wi], [−wi, wr]] = [xr wr − xi wi, xr wi + xi wr], which is one
     * matmul call for the four real products.
     */
    public static ComplexTensor channelMix(ComplexTensor x, ComplexTensor w) {
        if (x.dim() < 2 || w.dim() != x.dim() || w.size(0) != x.size(1)
                || !Arrays.equals(Arrays.copyOfRange(x.shape().dims(), 2, x.dim()), Arrays.copyOfRange(w.shape().dims(), 2, w.dim())))
            throw new IllegalArgumentException("channelMix: needs x [B, I, modes...] and w [I, O, modes...] with the same modes, got x "
                    + x.shape() + " and w " + w.shape());
        int b = x.size(0), in = x.size(1), out = w.size(1), rank = x.dim();
        int[] modes = Arrays.copyOfRange(x.shape().dims(), 2, rank);
        int m = 1;
        for (int s : modes) m *= s;
        // x: [B, I, M] -> [M, B, 2I] as [xr | xi]; w: [I, O, M] -> [M, 2I, 2O] as [[wr, wi], [-wi, wr]].
        Tensor xs = Tensor.cat(2, x.re.reshape(b, in, m).permute(2, 0, 1), x.im.reshape(b, in, m).permute(2, 0, 1));
        Tensor wr = w.re.reshape(in, out, m).permute(2, 0, 1), wi = w.im.reshape(in, out, m).permute(2, 0, 1);
        Tensor ws = Tensor.cat(1, Tensor.cat(2, wr, wi), Tensor.cat(2, wi.neg(), wr));
        Tensor y = xs.bmm(ws);                                                      // [M, B, 2O]
        int[] shape = new int[rank];
        shape[0] = b;
        shape[1] = out;
        System.arraycopy(modes, 0, shape, 2, modes.length);
        Tensor yr = y.narrow(2, 0, out).permute(1, 2, 0).reshape(shape), yi = y.narrow(2, out, out).permute(1, 2, 0).reshape(shape);
        return new ComplexTensor(yr, yi);
    }

    // ================================ printing ================================

    /** PyTorch's format, e.g. {@code tensor([1.0000+2.0000j, 3.0000-1.0000j])}, with {@code dtype=complex128} for F64 parts. */
    @Override public String toString() { return ComplexFormatter.format(this); }
}
