package dev.galvani.tensor.backend;

/** Reductions over a set of dimensions. ARGMAX/ARGMIN write I64 indices (first occurrence wins, NaN is largest). */
public enum ReduceOp { SUM, PROD, MAX, MIN, ARGMAX, ARGMIN }
