package dev.galvani.tensor.backend;

/**
 * The learnable-delay (DCLS) layer's kernels (DCLS reference §2, §3, §7, §10, §13): a fully
 * connected layer over time-major sequences whose every synapse {@code i → o} has a weight
 * {@code W[o, i]} and a continuous position {@code P[o, i]}, spread over D taps by the profile of
 * {@link DelaySpec}. Three ways to apply it:
 * <ul>
 *   <li><b>dense kernel, GEMM form</b> (training while σ is wide): {@link #buildKernel} makes
 *       {@code K [Cout, Cin, D]}, {@link #correlate} applies it as D accumulated matrix products over
 *       time-major slices of the input (no im2col, no padded copy); {@link #correlateBackward} gives
 *       dx and the per-tap gradient {@code dK} (2·D products), {@link #kernelBackward} reduces dK to
 *       dW, dP, dσ per synapse (§10);</li>
 *   <li><b>sparse taps</b> (training once σ is at its floor): only the taps near each synapse's
 *       position, within the spec's radius (chosen with {@link DelaySpec#gaussRadius} for a bound
 *       on the dropped mass; exact for the other profiles once it covers their support), in one
 *       pass forward and one backward (dx, dW, dP, dσ);</li>
 *   <li><b>integer delays</b> (evaluation, §7): {@code y[t, b, o] = Σ_i W[o, i] x[t − d[o, i], b, i]},
 *       the cost of one linear layer; {@link #integerStep} is its streaming form, one time step at a
 *       time from a ring buffer of the last D inputs.</li>
 * </ul>
 *
 * <p>Layouts: the input {@code x [T, B, Cin]}, the output {@code [T + (D − 1)/2, B, Cout]}, zero
 * outside {@code [0, T)} on the input side (the causal left padding and the right padding of §3);
 * weight, positions, σ and delays {@code [Cout, Cin]}; the kernel {@code [Cout, Cin, D]}. Operands
 * are contiguous (offsets allowed), floating point operands of one dtype (F32 or F64), delays I32
 * in {@code [0, D)}; σ may be null for the profiles that ignore it. Outputs are allocated by the
 * caller and overwritten; a null gradient output is not wanted. Without this family the front end
 * runs the same math from recorded tensor operations (the composed form).
 */
public interface DelayKernels extends KernelFamily {

    /** {@code kernel [Cout, Cin, D] = W n(P, σ)} (reference §2). */
    void buildKernel(Operand weight, Operand positions, Operand sigma, Operand kernel, DelaySpec spec);

    /**
     * The per-synapse reductions of reference §10 from {@code dK = gradKernel [Cout, Cin, D]}:
     * {@code dW = Σ_k dK_k n_k}, {@code dP = W Σ_k dK_k ∂n_k/∂P}, {@code dσ = W Σ_k dK_k ∂n_k/∂σ}.
     */
    void kernelBackward(Operand gradKernel, Operand weight, Operand positions, Operand sigma,
                        Operand gradWeight, Operand gradPositions, Operand gradSigma, DelaySpec spec);

    /** {@code out[t] = Σ_k x[t + k − (D − 1)] K[:, :, k]ᵀ}: the causal cross-correlation of §3. */
    void correlate(Operand x, Operand kernel, Operand out, DelaySpec spec);

    /** dx {@code [T, B, Cin]} and dK {@code [Cout, Cin, D]} of {@link #correlate} from dL/dout. */
    void correlateBackward(Operand gradOut, Operand x, Operand kernel, Operand gradX, Operand gradKernel, DelaySpec spec);

    /** The layer with each synapse's taps truncated to its window (see {@link DelaySpec#radius}). */
    void sparseForward(Operand x, Operand weight, Operand positions, Operand sigma, Operand out, DelaySpec spec);

    /** dx, dW, dP, dσ of {@link #sparseForward} (the derivative of the truncated function). */
    void sparseBackward(Operand gradOut, Operand x, Operand weight, Operand positions, Operand sigma,
                        Operand gradX, Operand gradWeight, Operand gradPositions, Operand gradSigma, DelaySpec spec);

    /** {@code out[t, b, o] = Σ_i W[o, i] x[t − d[o, i], b, i]} (reference §7, §13). */
    void integerForward(Operand x, Operand weight, Operand delays, Operand out, DelaySpec spec);

    /** dx and dW of {@link #integerForward}. */
    void integerBackward(Operand gradOut, Operand x, Operand weight, Operand delays, Operand gradX, Operand gradWeight, DelaySpec spec);

    /**
     * One step of the streaming form: {@code out[b, o] = Σ_i W[o, i] ring[(newest − d[o, i]) mod D, i, b]}
     * with {@code ring [D, Cin, B]} the last D inputs, the current one in slot {@code newest}, and
     * {@code out [B, Cout]}.
     */
    void integerStep(Operand ring, int newest, Operand weight, Operand delays, Operand out, DelaySpec spec);
}
