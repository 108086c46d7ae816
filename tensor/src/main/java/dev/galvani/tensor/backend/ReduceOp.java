package dev.galvani.tensor.backend;

/** Reductions over a set of dimensions. ARGMAX/ARGMIN write I64 indices (first occurrence wins, NaN is largest). */
public enum ReduceOp {
    /** Sum of the elements. */
    SUM,
    /** Product of the elements. */
    PROD,
    /** Largest element. */
    MAX,
    /** Smallest element. */
    MIN,
    /** Index (I64) of the largest element. */
    ARGMAX,
    /** Index (I64) of the smallest element. */
    ARGMIN
}
