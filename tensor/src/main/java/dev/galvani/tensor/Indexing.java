package dev.galvani.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Indexing, joining and rearranging. Only index_select, gather and scatter_add reach the backend;
 * the rest is composed from views, copies and those three.
 */
final class Indexing {

    private Indexing() {}

    /**
     * Checks an index tensor is integral and on x's device, and returns it as I64. Its values are
     * checked by the kernel as it reads them (reading them here would wait for the device).
     */
    private static Tensor checkIndex(String op, Tensor index, Tensor x) {
        if (!index.dtype().isIntegral())
            throw new IllegalArgumentException(op + ": index must be an integer tensor (I32 or I64), got " + index.dtype());
        if (!index.device().equals(x.device()))
            throw new IllegalArgumentException(op + ": index is on " + index.device() + " but the tensor is on " + x.device());
        return index.to(DType.I64);
    }

    static Tensor indexSelect(Tensor x, int dim, Tensor index) {
        if (index.dim() > 1) throw new IllegalArgumentException("indexSelect: index must be 0- or 1-dimensional, got " + index.shape());
        if (x.dim() == 0) x = x.reshape(1);
        int d = Shape.normalizeDim("indexSelect", dim, x.dim());
        Tensor idx = checkIndex("indexSelect", index, x).reshape(-1);
        int[] shape = x.shape.dims();
        shape[d] = (int) idx.numel();
        Tensor out = Creation.uninitialized(x.dtype(), x.device(), shape);
        if (out.numel() > 0) Backends.of(x.device()).indexSelect(x.operand(), d, idx.operand(), out.operand());
        return Tape.record(new Ops.IndexSelect(d), out, x, idx);
    }

    static Tensor gather(Tensor x, int dim, Tensor index) {
        int d = Shape.normalizeDim("gather", dim, x.dim());
        checkSameRank("gather", x, index);
        for (int i = 0; i < x.dim(); i++)
            if (i != d && index.shape.raw()[i] > x.shape.raw()[i])
                throw new IllegalArgumentException("gather: index " + index.shape() + " is larger than the input " + x.shape() + " in dimension " + i);
        Tensor idx = checkIndex("gather", index, x);
        Tensor out = Creation.uninitialized(x.dtype(), x.device(), index.shape.raw());
        if (out.numel() > 0)
            Backends.of(x.device()).gather(atLeast1d(x).operand(), d, atLeast1d(idx).operand(), atLeast1d(out).operand());
        return Tape.record(new Ops.Gather(d), out, x, idx);
    }

    static Tensor scatterAdd(Tensor x, int dim, Tensor index, Tensor src) {
        int d = Shape.normalizeDim("scatterAdd", dim, x.dim());
        checkSameRank("scatterAdd", x, index);
        checkSameRank("scatterAdd", src, index);
        for (int i = 0; i < x.dim(); i++) {
            if (index.shape.raw()[i] > src.shape.raw()[i] || i != d && index.shape.raw()[i] > x.shape.raw()[i])
                throw new IllegalArgumentException("scatterAdd: index " + index.shape() + " must not be larger than src " + src.shape()
                        + " in any dimension, nor than self " + x.shape() + " outside dimension " + d);
        }
        if (src.dtype() != x.dtype())
            throw new IllegalArgumentException("scatterAdd: src has dtype " + src.dtype() + " but self has " + x.dtype());
        Tensor idx = checkIndex("scatterAdd", index, x);
        Backends.of("scatterAdd", x, src);
        Tensor out;
        try (var _ = GradMode.disable()) {
            out = x.clone();
        }
        if (idx.numel() > 0) Backends.of(x.device()).scatterAdd(atLeast1d(out).operand(), d, atLeast1d(idx).operand(), atLeast1d(src).operand());
        return Tape.record(new Ops.ScatterAdd(d), out, x, idx, src);
    }

    /** A 0-d tensor as a 1-element 1-d view, unrecorded (kernels address dimension 0 of it). */
    private static Tensor atLeast1d(Tensor t) { return t.dim() > 0 ? t : Views.make(t, new int[]{1}, new int[]{1}, t.offset); }

    private static void checkSameRank(String op, Tensor x, Tensor index) {
        if (x.dim() != index.dim())
            throw new IllegalArgumentException(op + ": index " + index.shape() + " must have as many dimensions as the tensor " + x.shape());
    }

    static Tensor takeAlongDim(Tensor x, Tensor indices, int dim) {
        int d = Shape.normalizeDim("takeAlongDim", dim, x.dim());
        checkSameRank("takeAlongDim", x, indices);
        int[] xs = x.shape.dims(), is = indices.shape.dims();
        xs[d] = 1;
        is[d] = 1;
        int[] common = Shape.broadcast("takeAlongDim", Shape.of(xs), Shape.of(is)).dims();
        int[] xShape = common.clone(), iShape = common.clone();
        xShape[d] = x.shape.raw()[d];
        iShape[d] = indices.shape.raw()[d];
        return gather(x.expand(xShape), d, indices.expand(iShape));
    }

    static Tensor oneHot(Tensor x, int numClasses) {
        if (!x.dtype().isIntegral()) throw new IllegalArgumentException("oneHot: needs an integer tensor of class indices, got " + x.dtype());
        int c = numClasses;
        if (c < 0) c = x.numel() == 0 ? 0 : (int) x.amax().itemLong() + 1;     // PyTorch's -1: the classes seen (a read of the device)
        // A scatter of ones: its kernel checks every class index (none is read back here).
        int[] shape = Views.insert(x.shape.raw(), x.dim(), c);
        Tensor index = x.to(DType.I64).unsqueeze(-1);
        try (var _ = GradMode.disable()) {
            return Creation.empty(DType.I64, x.device(), shape).scatterAdd(x.dim(), index, Creation.full(DType.I64, 1, x.device(), index.shape.raw()));
        } catch (IndexOutOfBoundsException e) {
            throw new IndexOutOfBoundsException("oneHot: class indices must lie in [0, " + c + "): " + e.getMessage());
        }
    }

    static Tensor cat(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) throw new IllegalArgumentException("cat: expects a non-empty list of tensors");
        Tensor first = tensors.get(0);
        if (first.dim() == 0) throw new IllegalArgumentException("cat: zero-dimensional tensors cannot be concatenated; unsqueeze them or use stack");
        int d = Shape.normalizeDim("cat", dim, first.dim());
        DType type = Promotion.resultType(tensors.stream().filter(t -> t.dim() > 0).toArray(Tensor[]::new));
        int[] shape = first.shape.dims();
        int total = 0;
        for (Tensor t : tensors) {
            if (!t.device().equals(first.device()))
                throw new IllegalArgumentException("cat: tensors on different devices (" + first.device() + " and " + t.device() + ")");
            boolean ok = t.dim() == first.dim();
            for (int i = 0; ok && i < shape.length; i++) ok = i == d || t.shape.raw()[i] == shape[i];
            if (!ok) throw new IllegalArgumentException("cat: shapes " + shapes(tensors) + " must match except in dimension " + d);
            total += t.shape.raw()[d];
        }
        shape[d] = total;
        Tensor out = Creation.empty(type, first.device(), shape);
        int pos = 0;
        for (Tensor t : tensors) {
            int len = t.shape.raw()[d];
            if (len > 0 && t.numel() > 0) Backends.of(t.device()).copy(t.operand(), Views.narrowView(out, d, pos, len).operand());
            pos += len;
        }
        return Tape.record(new Ops.Cat(d), out, tensors.toArray(Tensor[]::new));
    }

    private static String shapes(List<Tensor> tensors) {
        return tensors.stream().map(t -> t.shape().toString()).toList().toString();
    }

    static Tensor stack(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) throw new IllegalArgumentException("stack: expects a non-empty list of tensors");
        Shape s = tensors.get(0).shape;
        for (Tensor t : tensors)
            if (!t.shape.equals(s)) throw new IllegalArgumentException("stack: all tensors must have the same shape, got " + shapes(tensors));
        int d = Shape.normalizeDim("stack", dim, s.rank() + 1);
        return cat(tensors.stream().map(t -> t.unsqueeze(d)).toList(), d);
    }

    static List<Tensor> split(Tensor x, int splitSize, int dim) {
        int d = Shape.normalizeDim("split", dim, x.dim());
        int size = x.shape.raw()[d];
        if (splitSize <= 0 && size > 0) throw new IllegalArgumentException("split: split size must be positive, got " + splitSize);
        List<Tensor> parts = new ArrayList<>();
        if (size == 0) { parts.add(x); return parts; }
        for (int start = 0; start < size; start += splitSize) parts.add(x.narrow(d, start, Math.min(splitSize, size - start)));
        return parts;
    }

    static List<Tensor> split(Tensor x, int[] sizes, int dim) {
        int d = Shape.normalizeDim("split", dim, x.dim());
        int size = x.shape.raw()[d];
        long total = 0;
        for (int s : sizes) {
            if (s < 0) throw new IllegalArgumentException("split: sizes must be non-negative, got " + Arrays.toString(sizes));
            total += s;
        }
        if (total != size)
            throw new IllegalArgumentException("split: sizes " + Arrays.toString(sizes) + " sum to " + total + " but dimension " + d + " of " + x.shape() + " has size " + size);
        List<Tensor> parts = new ArrayList<>();
        int start = 0;
        for (int s : sizes) {
            parts.add(x.narrow(d, start, s));
            start += s;
        }
        return parts;
    }

    static List<Tensor> chunk(Tensor x, int chunks, int dim) {
        if (chunks <= 0) throw new IllegalArgumentException("chunk: number of chunks must be positive, got " + chunks);
        int d = Shape.normalizeDim("chunk", dim, x.dim());
        int size = x.shape.raw()[d];
        return split(x, Math.max(1, Math.ceilDiv(size, chunks)), d);
    }

    /** Interleaves a size-r broadcast dimension before each dimension, then merges pairs: one copy. */
    static Tensor repeat(Tensor x, int[] repeats) {
        if (repeats.length < x.dim())
            throw new IllegalArgumentException("repeat: " + repeats.length + " repeats " + Arrays.toString(repeats) + " for a tensor of rank " + x.dim() + "; give at least one per dimension");
        for (int r : repeats) if (r < 0) throw new IllegalArgumentException("repeat: repeats must be non-negative, got " + Arrays.toString(repeats));
        int n = repeats.length;
        int[] padded = new int[n];
        Arrays.fill(padded, 1);
        System.arraycopy(x.shape.raw(), 0, padded, n - x.dim(), x.dim());
        Tensor v = x.reshape(padded);
        int[] interleaved = new int[2 * n], expanded = new int[2 * n], result = new int[n];
        for (int i = 0; i < n; i++) {
            interleaved[2 * i] = 1;
            interleaved[2 * i + 1] = padded[i];
            expanded[2 * i] = repeats[i];
            expanded[2 * i + 1] = padded[i];
            result[i] = repeats[i] * padded[i];
        }
        return v.reshape(interleaved).expand(expanded).contiguous().reshape(result);
    }

    static Tensor tile(Tensor x, int[] repeats) {
        if (repeats.length >= x.dim()) return repeat(x, repeats);
        int[] r = new int[x.dim()];
        Arrays.fill(r, 1);
        System.arraycopy(repeats, 0, r, x.dim() - repeats.length, repeats.length);
        return repeat(x, r);
    }

    /** A view with negative strides on the flipped dims, copied at once (strides stay non-negative outside this method). */
    static Tensor flip(Tensor x, int[] dims) {
        int[] d = Reductions.normalizeDims("flip", x, dims);
        Tensor v = x.detach();
        for (int i : d) v = Views.reversed(v, i);
        return Tape.record(new Ops.Flip(d), v.clone(), x);
    }

    static Tensor roll(Tensor x, int[] shifts, int[] dims) {
        if (shifts.length != dims.length)
            throw new IllegalArgumentException("roll: " + shifts.length + " shifts for " + dims.length + " dims");
        Tensor r = x;
        for (int i = 0; i < dims.length; i++) {
            int d = Shape.normalizeDim("roll", dims[i], x.dim());
            int size = x.shape.raw()[d];
            if (size == 0) continue;
            int s = Math.floorMod(shifts[i], size);
            if (s == 0) continue;
            r = cat(List.of(r.narrow(d, size - s, s), r.narrow(d, 0, size - s)), d);
        }
        return r == x ? x.clone() : r;
    }

    static Tensor tril(Tensor x, int diagonal) { return triangle("tril", x, diagonal, true); }

    static Tensor triu(Tensor x, int diagonal) { return triangle("triu", x, diagonal, false); }

    private static Tensor triangle(String op, Tensor x, int diagonal, boolean lower) {
        if (x.dim() < 2) throw new IllegalArgumentException(op + ": needs at least 2 dimensions, got " + x.shape());
        int rows = x.size(-2), cols = x.size(-1);
        Tensor colMinusRow = Tensor.arange(cols).sub(Tensor.arange(rows).unsqueeze(1));
        Tensor keep = lower ? colMinusRow.le((long) diagonal) : colMinusRow.ge((long) diagonal);
        return Tensor.where(keep.to(x.device()), x, 0L).to(x.dtype());
    }

    /** Constant padding writes x into a filled tensor; the other modes gather with an index per padded dim. */
    static Tensor pad(Tensor x, PadMode mode, double value, int[] pads) {
        if (pads.length % 2 != 0 || pads.length / 2 > x.dim())
            throw new IllegalArgumentException("pad: needs an even number of paddings, at most 2 per dimension (" + x.dim() + " dims), got " + Arrays.toString(pads));
        int padded = pads.length / 2;
        if (mode == PadMode.CONSTANT) {
            int[] shape = x.shape.dims();
            Tensor src = x.detach();
            for (int i = 0; i < padded; i++) {
                int d = x.dim() - 1 - i, before = pads[2 * i], after = pads[2 * i + 1];
                long size = (long) shape[d] + before + after;
                if (size < 0) throw new IllegalArgumentException("pad: paddings " + Arrays.toString(pads) + " leave dimension " + d + " of " + x.shape() + " with negative size");
                shape[d] = (int) size;
                int cropBefore = Math.max(0, -before), cropAfter = Math.max(0, -after);
                src = src.narrow(d, cropBefore, Math.max(0, src.shape.raw()[d] - cropBefore - cropAfter));
            }
            Tensor out = Creation.full(x.dtype(), value, x.device(), shape);
            Tensor window = out;
            for (int i = 0; i < padded; i++) {
                int d = x.dim() - 1 - i;
                window = Views.narrowView(window, d, Math.max(0, pads[2 * i]), src.shape.raw()[d]);
            }
            if (src.numel() > 0) Backends.of(x.device()).copy(src.operand(), window.operand());
            return Tape.record(new Ops.PadConstant(pads.clone()), out, x);
        }
        Tensor r = x;
        for (int i = 0; i < padded; i++) {
            int d = x.dim() - 1 - i, before = pads[2 * i], after = pads[2 * i + 1];
            r = r.indexSelect(d, Tensor.of(padIndex(mode, x.shape.raw()[d], before, after, d, x)).to(x.device()));
        }
        return r;
    }

    /** For output position j of a padded dimension, the input position it copies. */
    private static long[] padIndex(PadMode mode, int size, int before, int after, int dim, Tensor x) {
        String name = "pad(" + mode.name().toLowerCase() + ")";
        if (before < 0 || after < 0) throw new IllegalArgumentException(name + ": negative padding is only allowed in CONSTANT mode");
        if (size == 0) throw new IllegalArgumentException(name + ": dimension " + dim + " of " + x.shape() + " is empty");
        if (mode == PadMode.REFLECT && (before >= size || after >= size))
            throw new IllegalArgumentException(name + ": padding (" + before + ", " + after + ") must be smaller than the size " + size + " of dimension " + dim + " of " + x.shape());
        if (mode == PadMode.CIRCULAR && (before > size || after > size))
            throw new IllegalArgumentException(name + ": padding (" + before + ", " + after + ") must be at most the size " + size + " of dimension " + dim + " of " + x.shape());
        long[] idx = new long[size + before + after];
        for (int j = 0; j < idx.length; j++) {
            int p = j - before;
            idx[j] = switch (mode) {
                case REFLECT -> p < 0 ? -p : p >= size ? 2L * (size - 1) - p : p;
                case REPLICATE -> Math.max(0, Math.min(size - 1, p));
                case CIRCULAR -> Math.floorMod(p, size);
                case CONSTANT -> throw new IllegalStateException();
            };
        }
        return idx;
    }
}
