package dev.galvani.tensor;

import java.util.Arrays;

/** Operations that re-describe a tensor's storage (shape, strides, offset) without copying it. */
final class Views {

    private Views() {}

    static Tensor make(Tensor base, int[] shape, int[] strides, int offset) {
        return new Tensor(base.storage, Shape.of(shape), strides, offset);
    }

    static boolean isContiguous(Tensor t) {
        int[] dims = t.shape.raw();
        int expected = 1;
        for (int d = dims.length - 1; d >= 0; d--) {
            if (dims[d] == 0) return true;
            if (dims[d] != 1 && t.strides[d] != expected) return false;
            expected *= dims[d];
        }
        return true;
    }

    /** Resolves one -1 in a requested shape and checks the element count. */
    static int[] inferShape(String op, Tensor t, int[] requested) {
        int[] shape = requested.clone();
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == -1) {
                if (unknown >= 0) throw new IllegalArgumentException(op + ": only one dimension can be -1, got " + Arrays.toString(requested));
                unknown = i;
            } else if (shape[i] < 0) {
                throw new IllegalArgumentException(op + ": invalid size " + shape[i] + " in " + Arrays.toString(requested));
            } else {
                known *= shape[i];
            }
        }
        long numel = t.numel();
        if (unknown >= 0) {
            if (known == 0 || numel % known != 0)
                throw new IllegalArgumentException(op + ": shape " + Arrays.toString(requested) + " is invalid for a tensor of shape " + t.shape() + " (" + numel + " elements)");
            shape[unknown] = (int) (numel / known);
        } else if (known != numel) {
            throw new IllegalArgumentException(op + ": shape " + Arrays.toString(requested) + " is invalid for a tensor of shape " + t.shape() + " (" + numel + " elements)");
        }
        return shape;
    }

    static Tensor view(Tensor t, int[] requested) {
        int[] shape = inferShape("view", t, requested);
        int[] strides = viewStrides(t.shape.raw(), t.strides, shape);
        if (strides == null)
            throw new IllegalArgumentException("view: shape " + Arrays.toString(shape) + " is not compatible with the layout of a tensor of shape "
                    + t.shape() + " and strides " + Arrays.toString(t.strides) + " (at least one dimension spans two memory runs); use reshape(...) to copy");
        return Tape.record(new Ops.View(), make(t, shape, strides, t.offset), t);
    }

    static Tensor reshape(Tensor t, int[] requested) {
        int[] shape = inferShape("reshape", t, requested);
        int[] strides = viewStrides(t.shape.raw(), t.strides, shape);
        if (strides != null) return Tape.record(new Ops.View(), make(t, shape, strides, t.offset), t);
        return view(t.clone(), shape);
    }

    /**
     * Strides that let {@code newShape} view the same elements, or null. The old dimensions are cut
     * into runs that are contiguous in memory; each run must be split into whole new dimensions
     * (PyTorch's computeStride).
     */
    static int[] viewStrides(int[] oldShape, int[] oldStrides, int[] newShape) {
        int[] newStrides = new int[newShape.length];
        long numel = 1;
        for (int d : oldShape) numel *= d;
        if (numel == 0) {
            if (Arrays.equals(oldShape, newShape)) return oldStrides.clone();
            return Shape.of(newShape).contiguousStrides();
        }
        if (oldShape.length == 0) return Shape.of(newShape).contiguousStrides();   // one element: any layout works
        int viewD = newShape.length - 1;
        long chunkBase = oldStrides.length > 0 ? oldStrides[oldStrides.length - 1] : 1;
        long tensorNumel = 1, viewNumel = 1;
        for (int d = oldShape.length - 1; d >= 0; d--) {
            tensorNumel *= oldShape[d];
            // A run ends where the next outer dimension is not laid out right after this one.
            if (d == 0 || (oldShape[d - 1] != 1 && oldStrides[d - 1] != tensorNumel * chunkBase)) {
                while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1)) {
                    newStrides[viewD] = (int) (viewNumel * chunkBase);
                    viewNumel *= newShape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) return null;
                if (d > 0) {
                    chunkBase = oldStrides[d - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        if (viewD != -1) return null;
        return newStrides;
    }

    static Tensor permute(Tensor t, int[] dims) {
        int rank = t.dim();
        if (dims.length != rank)
            throw new IllegalArgumentException("permute: " + dims.length + " dims " + Arrays.toString(dims) + " for a tensor of rank " + rank + " " + t.shape());
        boolean[] seen = new boolean[rank];
        int[] shape = new int[rank], strides = new int[rank];
        for (int i = 0; i < rank; i++) {
            int d = Shape.normalizeDim("permute", dims[i], rank);
            if (seen[d]) throw new IllegalArgumentException("permute: dimension " + d + " repeats in " + Arrays.toString(dims));
            seen[d] = true;
            shape[i] = t.shape.raw()[d];
            strides[i] = t.strides[d];
        }
        int[] normalized = new int[rank];
        for (int i = 0; i < rank; i++) normalized[i] = Shape.normalizeDim("permute", dims[i], rank);
        return Tape.record(new Ops.Permute(normalized), make(t, shape, strides, t.offset), t);
    }

    static Tensor transpose(Tensor t, int dim0, int dim1) {
        int rank = t.dim();
        if (rank == 0) return t;
        int a = Shape.normalizeDim("transpose", dim0, rank), b = Shape.normalizeDim("transpose", dim1, rank);
        int[] perm = new int[rank];
        for (int i = 0; i < rank; i++) perm[i] = i;
        perm[a] = b;
        perm[b] = a;
        return permute(t, perm);
    }

    static Tensor matrixTranspose(Tensor t) {
        if (t.dim() > 2)
            throw new IllegalArgumentException("T: defined for tensors of at most 2 dimensions, got " + t.shape() + "; use transpose(d0, d1) or permute(...)");
        return t.dim() < 2 ? t : transpose(t, 0, 1);
    }

    static Tensor squeeze(Tensor t) {
        int[] dims = t.shape.raw();
        int n = 0;
        for (int d : dims) if (d != 1) n++;
        int[] shape = new int[n], strides = new int[n];
        for (int i = 0, j = 0; i < dims.length; i++) {
            if (dims[i] != 1) {
                shape[j] = dims[i];
                strides[j++] = t.strides[i];
            }
        }
        return Tape.record(new Ops.View(), make(t, shape, strides, t.offset), t);
    }

    static Tensor squeeze(Tensor t, int dim) {
        if (t.dim() == 0) { Shape.normalizeDim("squeeze", dim, 0); return t; }
        int d = Shape.normalizeDim("squeeze", dim, t.dim());
        if (t.shape.raw()[d] != 1) return t;
        return Tape.record(new Ops.View(), make(t, remove(t.shape.raw(), d), remove(t.strides, d), t.offset), t);
    }

    static Tensor unsqueeze(Tensor t, int dim) {
        int rank = t.dim();
        int d = Shape.normalizeDim("unsqueeze", dim, rank + 1);
        int stride = d < rank ? t.strides[d] * t.shape.raw()[d] : 1;
        return Tape.record(new Ops.View(), make(t, insert(t.shape.raw(), d, 1), insert(t.strides, d, stride), t.offset), t);
    }

    static Tensor expand(Tensor t, int[] sizes) {
        int rank = t.dim();
        if (sizes.length < rank)
            throw new IllegalArgumentException("expand: the number of sizes " + Arrays.toString(sizes) + " must be at least the tensor's rank (" + t.shape() + ")");
        int lead = sizes.length - rank;
        int[] shape = new int[sizes.length], strides = new int[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            int want = sizes[i];
            if (i < lead) {
                if (want < 0) throw new IllegalArgumentException("expand: -1 is not allowed for the new leading dimension " + i + " in " + Arrays.toString(sizes));
                shape[i] = want;
                strides[i] = 0;
                continue;
            }
            int have = t.shape.raw()[i - lead];
            if (want == -1 || want == have) {
                shape[i] = have;
                strides[i] = t.strides[i - lead];
            } else if (have == 1 && want >= 0) {
                shape[i] = want;
                strides[i] = 0;
            } else {
                throw new IllegalArgumentException("expand: tensor of shape " + t.shape() + " cannot be expanded to " + Arrays.toString(sizes)
                        + " (dimension " + i + " has size " + have + ", not 1)");
            }
        }
        if (java.util.Arrays.equals(shape, t.shape.raw())) return t;
        return Tape.record(new Ops.Expand(), make(t, shape, strides, t.offset), t);
    }

    static Tensor narrow(Tensor t, int dim, int start, int length) {
        int d = Shape.normalizeDim("narrow", dim, t.dim());
        if (t.dim() == 0) throw new IllegalArgumentException("narrow: cannot narrow a 0-dimensional tensor");
        int size = t.shape.raw()[d];
        int s = start < 0 ? start + size : start;
        if (s < 0 || length < 0 || s + (long) length > size)
            throw new IndexOutOfBoundsException("narrow: start " + start + " and length " + length + " exceed dimension " + d + " of size " + size + " (shape " + t.shape() + ")");
        int[] shape = t.shape.dims();
        shape[d] = length;
        return Tape.record(new Ops.Slice(d, s, 1), make(t, shape, t.strides.clone(), t.offset + s * t.strides[d]), t);
    }

    static Tensor slice(Tensor t, int dim, int start, int end, int step) {
        if (t.dim() == 0) throw new IllegalArgumentException("slice: cannot slice a 0-dimensional tensor");
        int d = Shape.normalizeDim("slice", dim, t.dim());
        if (step <= 0) throw new IllegalArgumentException("slice: step must be positive, got " + step);
        int size = t.shape.raw()[d];
        int s = clampIndex(start, size), e = clampIndex(end, size);
        int length = e > s ? (e - s + step - 1) / step : 0;
        int[] shape = t.shape.dims(), strides = t.strides.clone();
        shape[d] = length;
        strides[d] = t.strides[d] * step;
        return Tape.record(new Ops.Slice(d, length > 0 ? s : 0, step), make(t, shape, strides, t.offset + (length > 0 ? s * t.strides[d] : 0)), t);
    }

    private static int clampIndex(int i, int size) {
        if (i < 0) i += size;
        return Math.max(0, Math.min(size, i));
    }

    static Tensor select(Tensor t, int dim, int index) {
        if (t.dim() == 0) throw new IllegalArgumentException("select: cannot select from a 0-dimensional tensor");
        int d = Shape.normalizeDim("select", dim, t.dim());
        int size = t.shape.raw()[d];
        int i = index < 0 ? index + size : index;
        if (i < 0 || i >= size)
            throw new IndexOutOfBoundsException("select: index " + index + " is out of bounds for dimension " + d + " with size " + size + " (shape " + t.shape() + ")");
        return Tape.record(new Ops.Select(d, i), make(t, remove(t.shape.raw(), d), remove(t.strides, d), t.offset + i * t.strides[d]), t);
    }

    static Tensor flatten(Tensor t, int startDim, int endDim) {
        if (t.dim() == 0) return reshape(t, new int[]{1});
        int s = Shape.normalizeDim("flatten", startDim, t.dim()), e = Shape.normalizeDim("flatten", endDim, t.dim());
        if (s > e) throw new IllegalArgumentException("flatten: start dimension " + startDim + " comes after end dimension " + endDim);
        int[] dims = t.shape.raw();
        int[] shape = new int[dims.length - (e - s)];
        int k = 0;
        for (int i = 0; i < s; i++) shape[k++] = dims[i];
        int merged = 1;
        for (int i = s; i <= e; i++) merged *= dims[i];
        shape[k++] = merged;
        for (int i = e + 1; i < dims.length; i++) shape[k++] = dims[i];
        return reshape(t, shape);
    }

    static Tensor unflatten(Tensor t, int dim, int[] sizes) {
        int d = Shape.normalizeDim("unflatten", dim, t.dim());
        if (sizes.length == 0) throw new IllegalArgumentException("unflatten: sizes must be non-empty");
        int[] dims = t.shape.raw();
        int size = dims[d];
        int[] resolved = sizes.clone();
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < resolved.length; i++) {
            if (resolved[i] == -1) {
                if (unknown >= 0) throw new IllegalArgumentException("unflatten: only one size can be -1, got " + Arrays.toString(sizes));
                unknown = i;
            } else known *= resolved[i];
        }
        if (unknown >= 0 && known != 0 && size % known == 0) resolved[unknown] = (int) (size / known);
        long product = 1;
        for (int r : resolved) product *= r;
        if (product != size)
            throw new IllegalArgumentException("unflatten: sizes " + Arrays.toString(sizes) + " do not multiply to " + size + ", the size of dimension " + d + " of " + t.shape());
        int[] shape = new int[dims.length - 1 + resolved.length];
        System.arraycopy(dims, 0, shape, 0, d);
        System.arraycopy(resolved, 0, shape, d, resolved.length);
        System.arraycopy(dims, d + 1, shape, d + resolved.length, dims.length - d - 1);
        return view(t, shape);
    }

    /** A narrow view that is never recorded: for writing into freshly allocated outputs. */
    static Tensor narrowView(Tensor t, int d, int start, int length) {
        int[] shape = t.shape.dims();
        shape[d] = length;
        return make(t, shape, t.strides.clone(), t.offset + start * t.strides[d]);
    }

    /** A tensor's view with a dimension reversed by a negative stride; only for immediate copying. */
    static Tensor reversed(Tensor t, int d) {
        int size = t.shape.raw()[d];
        int[] strides = t.strides.clone();
        strides[d] = -strides[d];
        return make(t, t.shape.raw(), strides, t.offset + (size > 0 ? (size - 1) * t.strides[d] : 0));
    }

    static int[] remove(int[] a, int i) {
        int[] r = new int[a.length - 1];
        System.arraycopy(a, 0, r, 0, i);
        System.arraycopy(a, i + 1, r, i, a.length - i - 1);
        return r;
    }

    static int[] insert(int[] a, int i, int v) {
        int[] r = new int[a.length + 1];
        System.arraycopy(a, 0, r, 0, i);
        r[i] = v;
        System.arraycopy(a, i, r, i + 1, a.length - i);
        return r;
    }
}
