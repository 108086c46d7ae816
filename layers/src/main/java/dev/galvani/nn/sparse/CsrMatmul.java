package dev.galvani.nn.sparse;

import dev.galvani.autograd.Context;
import dev.galvani.autograd.Function;
import dev.galvani.tensor.DType;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.cpu.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code y = x Wᵀ} with W known to be zero outside a fixed pattern, computed from the nonzeros only
 * (compressed sparse rows): the genuinely sparse kernel that {@link SparseLinear} can use instead
 * of the masked dense product. Inputs x [B, in] and W [out, in], F32, on the CPU; W's entries
 * outside the pattern are ignored (taken as zero).
 *
 * <p>The batch is made the contiguous axis (x is transposed once to [in, B]), so each nonzero is
 * one vector axpy over the batch: {@code yᵀ[o] += W[o, i] · xᵀ[i]}. Backward: {@code dxᵀ[i] =
 * Σ_o W[o, i] dyᵀ[o]} over the pattern's columns (compressed sparse columns, so threads never
 * share a row), and {@code dW[o, i] = ⟨dyᵀ[o], xᵀ[i]⟩} at the nonzeros only (zero elsewhere, as the
 * masked product's gradient is there once masked). Work: B · nnz multiply-adds each way, against
 * B · in · out for the dense product.
 */
final class CsrMatmul extends Function {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private final int out, in;
    private final int[] rowPtr, cols;          // CSR: the nonzeros of row o are cols[rowPtr[o] .. rowPtr[o+1])
    private final int[] colPtr, rows, csrIndex;  // CSC over the same nonzeros, with each one's CSR position

    /** The pattern of a 0/1 mask [out, in]. */
    CsrMatmul(float[] mask, int out, int in) {
        this.out = out;
        this.in = in;
        rowPtr = new int[out + 1];
        int nnz = 0;
        for (float m : mask) nnz += m != 0 ? 1 : 0;
        cols = new int[nnz];
        int k = 0;
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) if (mask[o * in + i] != 0) cols[k++] = i;
            rowPtr[o + 1] = k;
        }
        colPtr = new int[in + 1];
        for (int c : cols) colPtr[c + 1]++;
        for (int i = 0; i < in; i++) colPtr[i + 1] += colPtr[i];
        rows = new int[nnz];
        csrIndex = new int[nnz];
        int[] fill = colPtr.clone();
        for (int o = 0; o < out; o++)
            for (int p = rowPtr[o]; p < rowPtr[o + 1]; p++) {
                int at = fill[cols[p]]++;
                rows[at] = o;
                csrIndex[at] = p;
            }
    }

    int nonzeros() { return cols.length; }

    @Override protected Tensor forward(Context ctx, Tensor... inputs) {
        Tensor x = inputs[0], w = inputs[1];
        if (x.dtype() != DType.F32 || w.dtype() != DType.F32 || !x.device().isCpu())
            throw new IllegalArgumentException("CsrMatmul: F32 tensors on the CPU only, got " + x.dtype() + " on " + x.device());
        int batch = x.size(0);
        float[] xt = x.T().contiguous().toFloatArray();            // [in, B]
        float[] values = values(w.toFloatArray());
        float[] yt = new float[out * batch];
        Parallel.forRange(out, 8, (o0, o1) -> {
            for (int o = o0; o < o1; o++)
                for (int p = rowPtr[o]; p < rowPtr[o + 1]; p++) axpy(values[p], xt, cols[p] * batch, yt, o * batch, batch);
        });
        ctx.saveForBackward(Tensor.of(xt, in, batch), Tensor.of(values, values.length));
        return Tensor.of(yt, out, batch).T().contiguous();
    }

    @Override protected Tensor[] backward(Context ctx, Tensor gradOutput) {
        float[] xt = ctx.saved(0).toFloatArray(), values = ctx.saved(1).toFloatArray();
        int batch = gradOutput.size(0);
        float[] gt = gradOutput.T().contiguous().toFloatArray();   // [out, B]
        Tensor dx = null, dw = null;
        if (ctx.needsInputGrad(0)) {
            float[] dxt = new float[in * batch];
            Parallel.forRange(in, 8, (i0, i1) -> {
                for (int i = i0; i < i1; i++)
                    for (int q = colPtr[i]; q < colPtr[i + 1]; q++) axpy(values[csrIndex[q]], gt, rows[q] * batch, dxt, i * batch, batch);
            });
            dx = Tensor.of(dxt, in, batch).T().contiguous();
        }
        if (ctx.needsInputGrad(1)) {
            float[] gw = new float[out * in];
            Parallel.forRange(out, 8, (o0, o1) -> {
                for (int o = o0; o < o1; o++)
                    for (int p = rowPtr[o]; p < rowPtr[o + 1]; p++) gw[o * in + cols[p]] = dot(gt, o * batch, xt, cols[p] * batch, batch);
            });
            dw = Tensor.of(gw, out, in);
        }
        return new Tensor[]{dx, dw};
    }

    private float[] values(float[] w) {
        float[] v = new float[cols.length];
        for (int o = 0; o < out; o++)
            for (int p = rowPtr[o]; p < rowPtr[o + 1]; p++) v[p] = w[o * in + cols[p]];
        return v;
    }

    /** y[yAt ..] += a · x[xAt ..] over n elements. */
    private static void axpy(float a, float[] x, int xAt, float[] y, int yAt, int n) {
        int i = 0;
        FloatVector av = FloatVector.broadcast(F, a);
        for (int bound = F.loopBound(n); i < bound; i += F.length())
            FloatVector.fromArray(F, x, xAt + i).fma(av, FloatVector.fromArray(F, y, yAt + i)).intoArray(y, yAt + i);
        for (; i < n; i++) y[yAt + i] = Math.fma(a, x[xAt + i], y[yAt + i]);
    }

    /** ⟨a[aAt ..], b[bAt ..]⟩ over n elements, lanes summed in a fixed order. */
    private static float dot(float[] a, int aAt, float[] b, int bAt, int n) {
        int i = 0;
        float[] lanes = new float[F.length()];     // the running sum lives in memory: no vector carried through the loop (C2 would box it)
        for (int bound = F.loopBound(n); i < bound; i += F.length())
            FloatVector.fromArray(F, a, aAt + i).fma(FloatVector.fromArray(F, b, bAt + i), FloatVector.fromArray(F, lanes, 0)).intoArray(lanes, 0);
        float s = 0;
        for (float l : lanes) s += l;
        for (; i < n; i++) s = Math.fma(a[aAt + i], b[bAt + i], s);
        return s;
    }
}
