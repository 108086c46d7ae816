package dev.galvani.autograd;

import static dev.galvani.autograd.Grads.needs;
import static dev.galvani.autograd.Grads.of;

import dev.galvani.tensor.Ops;

/** Rules for the batched matrix product, the one linear-algebra primitive (mm, matmul, einsum, dot are built on it). */
public final class LinearAlgebraRules implements DerivativeRules {

    @Override
    public void register(Registry r) {
        // C = A B with A [B, M, K], B [B, K, N]: dA = dC B^T, dB = A^T dC (batch by batch).
        r.add(Ops.Matmul.class, (op, n, g) -> of(
                needs(n, 0) ? g.bmm(n.input(1).transpose(1, 2)) : null,
                needs(n, 1) ? n.input(0).transpose(1, 2).bmm(g) : null));
    }
}
