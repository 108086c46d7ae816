package dev.galvani.operators;

import dev.galvani.tensor.PadMode;

/**
 * A convolution's padding mode, PyTorch's {@code padding_mode}. In MgNO the padding mode is the
 * boundary condition (operators.md §3.5): zeros for Dirichlet problems (Darcy, pipe), circular for
 * the periodic torus (Navier–Stokes), reflect for Helmholtz.
 */
public enum Padding {
    /** Zero padding ({@code 'zeros'}): the field vanishes outside the domain. */
    ZEROS(PadMode.CONSTANT),
    /** Mirror without repeating the edge ({@code 'reflect'}). */
    REFLECT(PadMode.REFLECT),
    /** Repeat the edge value ({@code 'replicate'}). */
    REPLICATE(PadMode.REPLICATE),
    /** Wrap around ({@code 'circular'}): a periodic domain. */
    CIRCULAR(PadMode.CIRCULAR);

    /** The tensor padding that realises this mode. */
    public final PadMode padMode;

    Padding(PadMode padMode) { this.padMode = padMode; }

    /** PyTorch's name of the mode ({@code zeros}, {@code reflect}, {@code replicate}, {@code circular}). */
    public String torchName() { return name().toLowerCase(java.util.Locale.ROOT); }
}
