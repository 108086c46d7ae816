package dev.galvani.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Matrix products. Everything becomes one backend call on [B, M, K] x [B, K, N] operands; transposed
 * and broadcast operands arrive as strides, so no copy is made when the layout allows a 3-D view.
 */
final class LinearAlgebra {

    private LinearAlgebra() {}

    static Tensor matmul(Tensor a, Tensor b) {
        int ra = a.dim(), rb = b.dim();
        if (ra == 0 || rb == 0)
            throw new IllegalArgumentException("matmul: both arguments need at least 1 dimension, got " + a.shape() + " x " + b.shape());
        if (ra == 1 && rb == 1) return dot(a, b);
        if (ra == 1) return matmul(a.unsqueeze(0), b).squeeze(-2);
        if (rb == 1) return matmul(a, b.unsqueeze(1)).squeeze(-1);
        int m = a.size(-2), k = a.size(-1), k2 = b.size(-2), n = b.size(-1);
        if (k != k2)
            throw new IllegalArgumentException("matmul: " + a.shape() + " x " + b.shape() + ": inner dimensions " + k + " and " + k2 + " differ");
        int[] batchA = Arrays.copyOf(a.shape.raw(), ra - 2), batchB = Arrays.copyOf(b.shape.raw(), rb - 2);
        int[] batch = Shape.broadcast("matmul", Shape.of(batchA), Shape.of(batchB)).dims();
        int batchSize = 1;
        for (int s : batch) batchSize *= s;
        Tensor a3 = a.expand(concat(batch, m, k)).reshape(batchSize, m, k);
        Tensor b3 = b.expand(concat(batch, k, n)).reshape(batchSize, k, n);
        return product("matmul", a3, b3).view(concat(batch, m, n));
    }

    static Tensor bmm(Tensor a, Tensor b) {
        if (a.dim() != 3 || b.dim() != 3)
            throw new IllegalArgumentException("bmm: expects two 3-D tensors, got " + a.shape() + " x " + b.shape());
        if (a.size(0) != b.size(0))
            throw new IllegalArgumentException("bmm: " + a.shape() + " x " + b.shape() + ": batch sizes " + a.size(0) + " and " + b.size(0) + " differ");
        if (a.size(2) != b.size(1))
            throw new IllegalArgumentException("bmm: " + a.shape() + " x " + b.shape() + ": inner dimensions " + a.size(2) + " and " + b.size(1) + " differ");
        return product("bmm", a, b);
    }

    static Tensor mm(Tensor a, Tensor b) {
        if (a.dim() != 2 || b.dim() != 2)
            throw new IllegalArgumentException("mm: expects two 2-D tensors, got " + a.shape() + " x " + b.shape());
        return matmul(a, b);
    }

    static Tensor dot(Tensor a, Tensor b) {
        if (a.dim() != 1 || b.dim() != 1)
            throw new IllegalArgumentException("dot: expects two 1-D tensors, got " + a.shape() + " and " + b.shape());
        if (a.size(0) != b.size(0))
            throw new IllegalArgumentException("dot: " + a.shape() + " and " + b.shape() + ": lengths " + a.size(0) + " and " + b.size(0) + " differ");
        return product("dot", a.view(1, 1, -1), b.view(1, -1, 1)).view();
    }

    static Tensor outer(Tensor a, Tensor b) {
        if (a.dim() != 1 || b.dim() != 1)
            throw new IllegalArgumentException("outer: expects two 1-D tensors, got " + a.shape() + " and " + b.shape());
        return a.unsqueeze(1).mul(b.unsqueeze(0));
    }

    /** The backend call: both operands of one dtype (PyTorch promotion), [B, M, K] x [B, K, N]. */
    private static Tensor product(String op, Tensor a, Tensor b) {
        Backends.of(op, a, b);
        DType type = Promotion.resultType(a, b);
        if (type == DType.BOOL) throw new IllegalArgumentException(op + ": not defined for BOOL tensors");
        Tensor out = Creation.output(a.size(2) > 0, type, a.device(), a.size(0), a.size(1), b.size(2));
        Tensor x = a.to(type), y = b.to(type);
        if (out.numel() > 0 && a.size(2) > 0) Backends.of(a.device()).matmul(x.operand(), y.operand(), out.operand());     // an empty sum is zero
        return Tape.record(new Ops.Matmul(), out, x, y);
    }

    private static int[] concat(int[] batch, int r, int c) {
        int[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = r;
        s[batch.length + 1] = c;
        return s;
    }

    /**
     * Two-operand Einstein summation. Labels are letters; "->" gives the output (else the labels that
     * occur once, sorted). Labels are classed as batch (both operands and output), contracted (both,
     * not output), or free in one operand; labels only one operand has and the output lacks are summed
     * first. The operands are permuted to [batch, free, contracted] and [batch, contracted, free] and
     * multiplied with one batched matmul.
     */
    static Tensor einsum(String equation, Tensor a, Tensor b) {
        String eq = equation.replace(" ", "");
        String[] io = eq.split("->", -1);
        String[] ins = io[0].split(",", -1);
        if (ins.length != 2 || io.length > 2)
            throw new IllegalArgumentException("einsum: \"" + equation + "\" must name exactly two operands, like \"ij,jk->ik\"");
        String la = ins[0], lb = ins[1];
        checkLabels(equation, la, a, "first");
        checkLabels(equation, lb, b, "second");
        String out;
        if (io.length == 2) {
            out = io[1];
            for (char c : out.toCharArray())
                if (la.indexOf(c) < 0 && lb.indexOf(c) < 0)
                    throw new IllegalArgumentException("einsum: output label '" + c + "' in \"" + equation + "\" appears in no operand");
            if (out.chars().distinct().count() != out.length())
                throw new IllegalArgumentException("einsum: output labels repeat in \"" + equation + "\"");
        } else {
            StringBuilder sb = new StringBuilder();
            (la + lb).chars().sorted().distinct().filter(c -> (la + lb).indexOf(c) == (la + lb).lastIndexOf(c)).forEach(c -> sb.append((char) c));
            out = sb.toString();
        }
        // Sum away labels private to one operand and absent from the output.
        a = sumPrivate(a, la, lb, out);
        String la2 = keepLabels(la, lb, out);
        b = sumPrivate(b, lb, la, out);
        String lb2 = keepLabels(lb, la, out);
        // Sizes of shared labels must agree.
        for (char c : la2.toCharArray()) {
            int j = lb2.indexOf(c);
            if (j >= 0 && a.size(la2.indexOf(c)) != b.size(j))
                throw new IllegalArgumentException("einsum: label '" + c + "' has size " + a.size(la2.indexOf(c)) + " in the first operand " + a.shape()
                        + " and " + b.size(j) + " in the second " + b.shape());
        }
        List<Character> batch = new ArrayList<>(), contract = new ArrayList<>(), freeA = new ArrayList<>(), freeB = new ArrayList<>();
        for (char c : la2.toCharArray()) {
            boolean inB = lb2.indexOf(c) >= 0, inOut = out.indexOf(c) >= 0;
            if (inB && inOut) batch.add(c);
            else if (inB) contract.add(c);
            else freeA.add(c);
        }
        for (char c : lb2.toCharArray()) if (la2.indexOf(c) < 0) freeB.add(c);
        Tensor pa = arrange(a, la2, batch, freeA, contract);
        Tensor pb = arrange(b, lb2, batch, contract, freeB);
        int bs = prod(a, la2, batch), m = prod(a, la2, freeA), k = prod(a, la2, contract), n = prod(b, lb2, freeB);
        Tensor r = product("einsum", pa.reshape(bs, m, k), pb.reshape(bs, k, n));
        // Back to labelled dims: [batch..., freeA..., freeB...], then to the output order.
        List<Character> order = new ArrayList<>(batch);
        order.addAll(freeA);
        order.addAll(freeB);
        int[] shape = new int[order.size()];
        for (int i = 0; i < shape.length; i++) {
            char c = order.get(i);
            shape[i] = la2.indexOf(c) >= 0 ? a.size(la2.indexOf(c)) : b.size(lb2.indexOf(c));
        }
        r = r.reshape(shape);
        int[] perm = new int[out.length()];
        for (int i = 0; i < perm.length; i++) perm[i] = order.indexOf(out.charAt(i));
        return r.permute(perm);
    }

    private static void checkLabels(String equation, String labels, Tensor t, String which) {
        if (labels.length() != t.dim())
            throw new IllegalArgumentException("einsum: \"" + equation + "\" gives " + labels.length() + " labels for the " + which + " operand, which has shape " + t.shape());
        for (char c : labels.toCharArray())
            if (!Character.isLetter(c)) throw new IllegalArgumentException("einsum: label '" + c + "' in \"" + equation + "\" is not a letter");
        if (labels.chars().distinct().count() != labels.length())
            throw new IllegalArgumentException("einsum: repeated label in \"" + labels + "\" (diagonals) is not supported");
    }

    private static Tensor sumPrivate(Tensor t, String mine, String other, String out) {
        List<Integer> dims = new ArrayList<>();
        for (int i = 0; i < mine.length(); i++) {
            char c = mine.charAt(i);
            if (other.indexOf(c) < 0 && out.indexOf(c) < 0) dims.add(i);
        }
        return dims.isEmpty() ? t : t.sum(dims.stream().mapToInt(Integer::intValue).toArray(), false);
    }

    private static String keepLabels(String mine, String other, String out) {
        StringBuilder sb = new StringBuilder();
        for (char c : mine.toCharArray()) if (other.indexOf(c) >= 0 || out.indexOf(c) >= 0) sb.append(c);
        return sb.toString();
    }

    @SafeVarargs
    private static Tensor arrange(Tensor t, String labels, List<Character>... groups) {
        int[] perm = new int[labels.length()];
        int k = 0;
        for (List<Character> g : groups) for (char c : g) perm[k++] = labels.indexOf(c);
        return t.permute(perm);
    }

    /** The product of the sizes of the labelled dimensions of {@code t}. */
    private static int prod(Tensor t, String labels, List<Character> group) {
        int p = 1;
        for (char c : group) p *= t.size(labels.indexOf(c));
        return p;
    }
}
