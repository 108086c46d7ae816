package dev.galvani.autograd;

import static dev.galvani.autograd.Grads.meta;
import static dev.galvani.autograd.Grads.needs;
import static dev.galvani.autograd.Grads.of;

import dev.galvani.tensor.ComplexTensor;
import dev.galvani.tensor.Node;
import dev.galvani.tensor.Ops;
import dev.galvani.tensor.Spectral;
import dev.galvani.tensor.Tensor;

/**
 * Rules of the Fourier primitives ({@link Spectral}), written with those same primitives so a
 * recorded backward pass can be differentiated again. In real terms (a loss of the real and
 * imaginary parts): the adjoint of y = s F x, F the DFT of one sign, is s F̄ (the other sign, the
 * same scale). The real transforms carry the Hermitian weights v (2 on bins 1 to ⌈n/2⌉ − 1, which
 * stand for a bin and its conjugate; 1 on bin 0 and, for even n, bin n/2; operators reference
 * §1.5): the irfft of bins X is Re Σ_k v_k X_k exp(2πi jk/n), so the adjoint of rfft is irfft of g/v
 * and the adjoint of irfft is v·rfft(g), whose imaginary parts at bins 0 and n/2 are exactly zero,
 * as those inputs are ignored.
 */
public final class SpectralRules implements DerivativeRules {

    @Override
    public void register(Registry r) {
        // inputs (re, im), outputs (re, im)
        r.addMultiOutput(Ops.Fft.class, (op, n, g) -> {
            Tensor gr = g[0] != null ? g[0] : g[1].zerosLike(), gi = g[1] != null ? g[1] : g[0].zerosLike();
            ComplexTensor d = Spectral.fft(gr, gi, op.dim(), !op.inverse(), op.scale());
            return of(needs(n, 0) ? d.real() : null, needs(n, 1) ? d.imag() : null);
        });
        // input (x), outputs (re, im) of n/2 + 1 bins
        r.addMultiOutput(Ops.Rfft.class, (op, n, g) -> {
            int len = meta(n, 0).shape().dims()[op.dim()];
            Tensor gr = g[0] != null ? g[0] : g[1].zerosLike(), gi = g[1] != null ? g[1] : g[0].zerosLike();
            Tensor inv = Spectral.hermitianWeights(len, gr.dtype(), gr.device(), op.dim(), gr.dim()).reciprocal();
            return of(Spectral.irfft(gr.mul(inv), gi.mul(inv), op.dim(), len, op.scale()));
        });
        // inputs (re, im) of n/2 + 1 bins, output x of n points
        r.add(Ops.Irfft.class, (op, n, g) -> {
            ComplexTensor d = Spectral.rfft(g, op.dim(), op.scale());
            Tensor v = Spectral.hermitianWeights(op.n(), g.dtype(), g.device(), op.dim(), g.dim());
            return of(needs(n, 0) ? d.real().mul(v) : null, needs(n, 1) ? d.imag().mul(v) : null);
        });
    }
}
