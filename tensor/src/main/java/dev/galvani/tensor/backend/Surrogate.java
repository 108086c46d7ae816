package dev.galvani.tensor.backend;

/**
 * A surrogate gradient for the spike function Θ(x) (Heaviside, Θ(0) = 1): the forward pass spikes,
 * the backward pass uses {@link #derivative(double) σ'(x)} in place of Θ's derivative, x being the
 * membrane minus the threshold. The formulas and default α are those of the SNN reference, §4.1;
 * {@link #primitive(double)} is a smooth function whose derivative is σ' (the tests check the two
 * against each other by finite differences). These scalar definitions are what every backend's
 * kernels must match, as {@link UnaryOp#apply} is for element-wise functions.
 *
 * @param kind  the family of the surrogate
 * @param alpha its sharpness (the slope k of the fast sigmoid)
 */
public record Surrogate(Kind kind, double alpha) {

    /**
     * Checks the components.
     * @throws IllegalArgumentException if {@code kind} is null or {@code alpha} is not positive and finite
     */
    public Surrogate {
        if (kind == null) throw new IllegalArgumentException("Surrogate: kind is null");
        if (!(alpha > 0) || Double.isInfinite(alpha)) throw new IllegalArgumentException("Surrogate " + kind + ": alpha must be positive and finite, got " + alpha);
    }

    /** The surrogates of the SNN reference §4.1, each with its published default α. */
    public enum Kind {
        /** α / (2 (1 + (π α x / 2)²)); SpikingJelly ATan and snnTorch atan, α = 2. */
        ATAN(2),
        /** α s(αx) (1 − s(αx)), s the logistic function; SpikingJelly's default, α = 4. */
        SIGMOID(4),
        /** 1 / (1 + α |x|)², Zenke &amp; Ganguli's SuperSpike (snnTorch fast_sigmoid), slope α = 25. */
        FAST_SIGMOID(25),
        /** α − α² |x| for |x| ≤ 1/α, else 0; SpikingJelly PiecewiseQuadratic (SLTT's "triangle"), α = 1. */
        PIECEWISE_QUADRATIC(1),
        /** α max(0, 1 − |x|); Norse triangle, α = 0.3. */
        TRIANGLE(0.3),
        /** (α / √π) e^(−α² x²); SpikingJelly Erf, α = 2. */
        ERF(2),
        /** (α / 2) e^(−α |x|); SpikingJelly PiecewiseExp, α = 1. */
        PIECEWISE_EXP(1),
        /** α / (2 (1 + |α x|)²); SpikingJelly SoftSign, α = 2. */
        SOFT_SIGN(2);

        private final double defaultAlpha;

        Kind(double defaultAlpha) { this.defaultAlpha = defaultAlpha; }

        /**
         * The published default α of this family.
         * @return the default sharpness
         */
        public double defaultAlpha() { return defaultAlpha; }
    }

    /**
     * The {@link Kind#ATAN} surrogate with its default α.
     * @return the surrogate
     */
    public static Surrogate atan() { return new Surrogate(Kind.ATAN, Kind.ATAN.defaultAlpha); }
    /**
     * The {@link Kind#ATAN} surrogate with the given α.
     * @param alpha the sharpness, positive and finite
     * @return the surrogate
     */
    public static Surrogate atan(double alpha) { return new Surrogate(Kind.ATAN, alpha); }
    /**
     * The {@link Kind#SIGMOID} surrogate with its default α.
     * @return the surrogate
     */
    public static Surrogate sigmoid() { return new Surrogate(Kind.SIGMOID, Kind.SIGMOID.defaultAlpha); }
    /**
     * The {@link Kind#SIGMOID} surrogate with the given α.
     * @param alpha the sharpness, positive and finite
     * @return the surrogate
     */
    public static Surrogate sigmoid(double alpha) { return new Surrogate(Kind.SIGMOID, alpha); }
    /**
     * The {@link Kind#FAST_SIGMOID} surrogate with its default α.
     * @return the surrogate
     */
    public static Surrogate fastSigmoid() { return new Surrogate(Kind.FAST_SIGMOID, Kind.FAST_SIGMOID.defaultAlpha); }
    /**
     * The {@link Kind#FAST_SIGMOID} surrogate with the given slope.
     * @param slope the sharpness, positive and finite
     * @return the surrogate
     */
    public static Surrogate fastSigmoid(double slope) { return new Surrogate(Kind.FAST_SIGMOID, slope); }
    /**
     * The {@link Kind#PIECEWISE_QUADRATIC} surrogate with its default α.
     * @return the surrogate
     */
    public static Surrogate piecewiseQuadratic() { return new Surrogate(Kind.PIECEWISE_QUADRATIC, Kind.PIECEWISE_QUADRATIC.defaultAlpha); }
    /**
     * The {@link Kind#PIECEWISE_QUADRATIC} surrogate with the given α.
     * @param alpha the sharpness, positive and finite
     * @return the surrogate
     */
    public static Surrogate piecewiseQuadratic(double alpha) { return new Surrogate(Kind.PIECEWISE_QUADRATIC, alpha); }
    /**
     * The {@link Kind#TRIANGLE} surrogate with its default α.
     * @return the surrogate
     */
    public static Surrogate triangle() { return new Surrogate(Kind.TRIANGLE, Kind.TRIANGLE.defaultAlpha); }
    /**
     * The {@link Kind#TRIANGLE} surrogate with the given α.
     * @param alpha the sharpness, positive and finite
     * @return the surrogate
     */
    public static Surrogate triangle(double alpha) { return new Surrogate(Kind.TRIANGLE, alpha); }
    /**
     * The {@link Kind#ERF} surrogate with its default α.
     * @return the surrogate
     */
    public static Surrogate erf() { return new Surrogate(Kind.ERF, Kind.ERF.defaultAlpha); }
    /**
     * The {@link Kind#ERF} surrogate with the given α.
     * @param alpha the sharpness, positive and finite
     * @return the surrogate
     */
    public static Surrogate erf(double alpha) { return new Surrogate(Kind.ERF, alpha); }
    /**
     * The {@link Kind#PIECEWISE_EXP} surrogate with its default α.
     * @return the surrogate
     */
    public static Surrogate piecewiseExp() { return new Surrogate(Kind.PIECEWISE_EXP, Kind.PIECEWISE_EXP.defaultAlpha); }
    /**
     * The {@link Kind#PIECEWISE_EXP} surrogate with the given α.
     * @param alpha the sharpness, positive and finite
     * @return the surrogate
     */
    public static Surrogate piecewiseExp(double alpha) { return new Surrogate(Kind.PIECEWISE_EXP, alpha); }
    /**
     * The {@link Kind#SOFT_SIGN} surrogate with its default α.
     * @return the surrogate
     */
    public static Surrogate softSign() { return new Surrogate(Kind.SOFT_SIGN, Kind.SOFT_SIGN.defaultAlpha); }
    /**
     * The {@link Kind#SOFT_SIGN} surrogate with the given α.
     * @param alpha the sharpness, positive and finite
     * @return the surrogate
     */
    public static Surrogate softSign(double alpha) { return new Surrogate(Kind.SOFT_SIGN, alpha); }

    /** σ'(x). */
    public double derivative(double x) {
        double a = alpha;
        return switch (kind) {
            case ATAN -> {
                double u = Math.PI * a * x / 2;
                yield a / (2 * (1 + u * u));
            }
            case SIGMOID -> {
                double s = 1 / (1 + Math.exp(-a * x));
                yield a * s * (1 - s);
            }
            case FAST_SIGMOID -> {
                double d = 1 + a * Math.abs(x);
                yield 1 / (d * d);
            }
            case PIECEWISE_QUADRATIC -> Math.abs(x) <= 1 / a ? a - a * a * Math.abs(x) : 0;
            case TRIANGLE -> a * Math.max(0, 1 - Math.abs(x));
            case ERF -> a / Math.sqrt(Math.PI) * Math.exp(-a * a * x * x);
            case PIECEWISE_EXP -> a / 2 * Math.exp(-a * Math.abs(x));
            case SOFT_SIGN -> {
                double d = 1 + Math.abs(a * x);
                yield a / (2 * d * d);
            }
        };
    }

    /** An antiderivative of σ', smooth where σ' is continuous (the function the surrogate differentiates). */
    public double primitive(double x) {
        double a = alpha;
        return switch (kind) {
            case ATAN -> Math.atan(Math.PI * a * x / 2) / Math.PI + 0.5;
            case SIGMOID -> 1 / (1 + Math.exp(-a * x));
            case FAST_SIGMOID -> Math.signum(x) / a * (1 - 1 / (1 + a * Math.abs(x)));
            case PIECEWISE_QUADRATIC -> x < -1 / a ? 0 : x > 1 / a ? 1 : -0.5 * a * a * x * Math.abs(x) + a * x + 0.5;
            case TRIANGLE -> x < -1 ? 0 : x > 1 ? a : x <= 0 ? a * (x + x * x / 2 + 0.5) : a * (0.5 + x - x * x / 2);
            case ERF -> 0.5 * (1 + SpecialFunctions.erf(a * x));
            case PIECEWISE_EXP -> x < 0 ? 0.5 * Math.exp(a * x) : 1 - 0.5 * Math.exp(-a * x);
            case SOFT_SIGN -> 0.5 * (a * x / (1 + Math.abs(a * x)) + 1);
        };
    }

    @Override public String toString() { return kind.name().toLowerCase() + "(alpha=" + alpha + ")"; }
}
