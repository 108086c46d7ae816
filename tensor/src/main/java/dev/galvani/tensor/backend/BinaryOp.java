package dev.galvani.tensor.backend;

/**
 * Element-wise functions of two arguments. Inputs arrive in one dtype (the promoted one); the
 * comparison and logical ops write BOOL. {@link #apply} and {@link #applyLong} are the definitions
 * all backends match.
 */
public enum BinaryOp {
    /** a + b. */
    ADD { public double apply(double a, double b) { return a + b; } public long applyLong(long a, long b) { return a + b; } },
    /** a - b. */
    SUB { public double apply(double a, double b) { return a - b; } public long applyLong(long a, long b) { return a - b; } },
    /** a * b. */
    MUL { public double apply(double a, double b) { return a * b; } public long applyLong(long a, long b) { return a * b; } },
    /** True division; integer inputs are promoted to floating point before it is reached. */
    DIV { public double apply(double a, double b) { return a / b; } public long applyLong(long a, long b) { throw new ArithmeticException("div: integer division reaches the backend"); } },
    /** a raised to the power b; for integers, negative exponents are allowed only for bases 1 and -1. */
    POW {
        /** C's pow (which PyTorch follows) where Java's differs: 1^y = 1 and (-1)^±inf = 1, even for y = NaN. */
        public double apply(double a, double b) { return a == 1 || (a == -1 && Double.isInfinite(b)) ? 1.0 : Math.pow(a, b); }
        public long applyLong(long a, long b) {
            if (b < 0) {
                if (a == 1) return 1;
                if (a == -1) return (b & 1) == 0 ? 1 : -1;
                throw new ArithmeticException("pow: integers to negative integer powers are not allowed");
            }
            long r = 1;
            for (long base = a, e = b; e > 0; e >>= 1, base *= base) if ((e & 1) != 0) r *= base;
            return r;
        }
    },
    /** NaN-propagating maximum, as {@code torch.maximum}. */
    MAXIMUM { public double apply(double a, double b) { return Math.max(a, b); } public long applyLong(long a, long b) { return Math.max(a, b); } },
    /** NaN-propagating minimum, as {@code torch.minimum}. */
    MINIMUM { public double apply(double a, double b) { return Math.min(a, b); } public long applyLong(long a, long b) { return Math.min(a, b); } },
    /** atan2(a, b), the angle of the point (b, a); floating point only. */
    ATAN2 { public double apply(double a, double b) { return Math.atan2(a, b); } public long applyLong(long a, long b) { throw new ArithmeticException("atan2: integer inputs reach the backend"); } },
    /** a == b, written as BOOL. */
    EQ(true) { public double apply(double a, double b) { return a == b ? 1 : 0; } public long applyLong(long a, long b) { return a == b ? 1 : 0; } },
    /** a != b, written as BOOL. */
    NE(true) { public double apply(double a, double b) { return a != b ? 1 : 0; } public long applyLong(long a, long b) { return a != b ? 1 : 0; } },
    /** a &lt; b, written as BOOL. */
    LT(true) { public double apply(double a, double b) { return a < b ? 1 : 0; } public long applyLong(long a, long b) { return a < b ? 1 : 0; } },
    /** a &lt;= b, written as BOOL. */
    LE(true) { public double apply(double a, double b) { return a <= b ? 1 : 0; } public long applyLong(long a, long b) { return a <= b ? 1 : 0; } },
    /** a &gt; b, written as BOOL. */
    GT(true) { public double apply(double a, double b) { return a > b ? 1 : 0; } public long applyLong(long a, long b) { return a > b ? 1 : 0; } },
    /** a &gt;= b, written as BOOL. */
    GE(true) { public double apply(double a, double b) { return a >= b ? 1 : 0; } public long applyLong(long a, long b) { return a >= b ? 1 : 0; } },
    /** True where both a and b are non-zero, written as BOOL. */
    LOGICAL_AND(true) { public double apply(double a, double b) { return a != 0 && b != 0 ? 1 : 0; } public long applyLong(long a, long b) { return a != 0 && b != 0 ? 1 : 0; } },
    /** True where a or b is non-zero, written as BOOL. */
    LOGICAL_OR(true) { public double apply(double a, double b) { return a != 0 || b != 0 ? 1 : 0; } public long applyLong(long a, long b) { return a != 0 || b != 0 ? 1 : 0; } };

    private final boolean boolResult;

    BinaryOp() { this(false); }

    BinaryOp(boolean boolResult) { this.boolResult = boolResult; }

    /** True for comparisons and logical ops, whose result is BOOL whatever the input type. */
    public boolean boolResult() { return boolResult; }

    /**
     * The floating-point definition of this op (comparisons and logical ops return 1 or 0).
     * @param a the left element
     * @param b the right element
     * @return the op applied to {@code a} and {@code b}
     */
    public abstract double apply(double a, double b);

    /**
     * The integer definition of this op; DIV and ATAN2 throw {@link ArithmeticException}, since integer
     * inputs are promoted before they reach the backend.
     * @param a the left element
     * @param b the right element
     * @return the op applied to {@code a} and {@code b}
     */
    public abstract long applyLong(long a, long b);

    /**
     * The name users see in error messages ({@code add}, {@code logical_and}).
     * @return the lower-case constant name
     */
    public String opName() { return name().toLowerCase(); }
}
