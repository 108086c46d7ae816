package dev.galvani.tensor.backend;


/**
 * Element-wise functions of one argument. {@link #apply(double)} is the definition every backend
 * must match (the CPU backend uses it directly for the ops it does not vectorise, and tests use it as
 * the reference). {@link #floatOnly} ops promote integer and bool inputs to the default float type,
 * as PyTorch does; the others keep integer types ({@link #applyLong}).
 */
public enum UnaryOp {
    /** Negation, -x. */
    NEG(false) {
        public double apply(double x) { return -x; }
        public long applyLong(long x) { return -x; }
    },
    /** Absolute value, |x|. */
    ABS(false) {
        public double apply(double x) { return Math.abs(x); }
        public long applyLong(long x) { return Math.abs(x); }
    },
    /** Sign of x: -1, 0 or 1 (0 for NaN, as {@code torch.sign}). */
    SIGN(false) {
        public double apply(double x) { return Double.isNaN(x) ? 0.0 : Math.signum(x); }     // sign(NaN) = 0, as torch.sign
        public long applyLong(long x) { return Long.signum(x); }
    },
    /** x * x. */
    SQUARE(false) {
        public double apply(double x) { return x * x; }
        public long applyLong(long x) { return x * x; }
    },
    /** max(x, 0); NaN stays NaN. */
    RELU(false) {
        public double apply(double x) { return x > 0 ? x : (Double.isNaN(x) ? x : 0.0); }
        public long applyLong(long x) { return Math.max(x, 0); }
    },
    /** Largest integer not greater than x; the identity on integer types. */
    FLOOR(false) {
        public double apply(double x) { return Math.floor(x); }
        public long applyLong(long x) { return x; }
    },
    /** Smallest integer not less than x; the identity on integer types. */
    CEIL(false) {
        public double apply(double x) { return Math.ceil(x); }
        public long applyLong(long x) { return x; }
    },
    /** Round half to even, as {@code torch.round}. */
    ROUND(false) {
        public double apply(double x) { return Math.rint(x); }
        public long applyLong(long x) { return x; }
    },
    /** Element-wise e^x. */
    EXP(true) { public double apply(double x) { return Math.exp(x); } },
    /** e^x - 1, accurate for small x. */
    EXPM1(true) { public double apply(double x) { return Math.expm1(x); } },
    /** Natural logarithm. */
    LOG(true) { public double apply(double x) { return Math.log(x); } },
    /** log(1 + x), accurate for small x. */
    LOG1P(true) { public double apply(double x) { return Math.log1p(x); } },
    /** Square root. */
    SQRT(true) { public double apply(double x) { return Math.sqrt(x); } },
    /** Reciprocal square root, 1 / sqrt(x). */
    RSQRT(true) { public double apply(double x) { return 1.0 / Math.sqrt(x); } },
    /** 1 / x. */
    RECIPROCAL(true) { public double apply(double x) { return 1.0 / x; } },
    /** Sine (radians). */
    SIN(true) { public double apply(double x) { return Math.sin(x); } },
    /** Cosine (radians). */
    COS(true) { public double apply(double x) { return Math.cos(x); } },
    /** Hyperbolic tangent. */
    TANH(true) { public double apply(double x) { return Math.tanh(x); } },
    /** Logistic sigmoid, 1 / (1 + e^-x). */
    SIGMOID(true) { public double apply(double x) { return 1.0 / (1.0 + Math.exp(-x)); } },
    /** x * sigmoid(x) (Hendrycks &amp; Gimpel's SiLU / Ramachandran's swish). */
    SILU(true) { public double apply(double x) { return x / (1.0 + Math.exp(-x)); } },
    /** log(1 + e^x), written max(x, 0) + log1p(e^-|x|) so that it neither overflows nor loses digits. */
    SOFTPLUS(true) { public double apply(double x) { return Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x))); } },
    /** The exact (erf) form: x/2 (1 + erf(x / sqrt 2)). */
    GELU(true) { public double apply(double x) { return 0.5 * x * (1.0 + SpecialFunctions.erf(x * 0.7071067811865476)); } },
    /** The Gauss error function erf(x). */
    ERF(true) { public double apply(double x) { return SpecialFunctions.erf(x); } };

    private final boolean floatOnly;

    UnaryOp(boolean floatOnly) { this.floatOnly = floatOnly; }

    /** True when integer and bool inputs are promoted to floating point first. */
    public boolean floatOnly() { return floatOnly; }

    /**
     * The floating-point definition of this op; every backend matches it.
     * @param x the input element
     * @return the op applied to {@code x}
     */
    public abstract double apply(double x);

    /** The integer form of the ops that keep integer types. */
    public long applyLong(long x) {
        throw new UnsupportedOperationException(name().toLowerCase() + " is defined for floating-point values only");
    }

    /** The name users see in error messages ({@code exp}, {@code log1p}). */
    public String opName() { return name().toLowerCase(); }
}
