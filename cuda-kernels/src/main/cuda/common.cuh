// Shared device helpers of Galvani's kernels: operand layouts, grid-stride loops, the error slot,
// the op codes (which follow the Java enums' declaration order, checked by the tensor module's
// KernelSourceTest) and the Philox4x32-10 block function.
//
// Every kernel is extern "C" with a name the Java side builds from (family, dtype), e.g.
// "binary_f32". Element counts are below 2^31 (a tensor holds at most 2^31 - 9 elements), but loop
// indices are 64-bit so that i + gridDim.x * blockDim.x never overflows.
#pragma once
#include <stdint.h>

#define GALVANI_MAX_DIMS 8

// The shape an operation iterates over, after the host merged every dimension that is contiguous
// for all operands (CudaLayouts.coalesce). Passed by value.
struct Shape {
    int rank;
    int size[GALVANI_MAX_DIMS];
};

// Where one operand's elements lie: an element offset and one stride per dimension of the Shape
// (0 for a broadcast dimension, negative for a flipped view). Passed by value.
struct Strided {
    int offset;
    int stride[GALVANI_MAX_DIMS];
};

// The element offset of row-major index i of `shape` in operand `t`.
__device__ __forceinline__ long long offset_of(long long i, const Shape& shape, const Strided& t) {
    long long off = t.offset;
    for (int d = shape.rank - 1; d >= 0; --d) {
        int n = shape.size[d];
        long long q = i / n;
        off += (i - q * n) * (long long) t.stride[d];
        i = q;
    }
    return off;
}

// The offsets of index i in two or three operands at once (one division chain for all).
__device__ __forceinline__ void offsets2(long long i, const Shape& shape, const Strided& a, const Strided& b, long long& oa, long long& ob) {
    oa = a.offset; ob = b.offset;
    for (int d = shape.rank - 1; d >= 0; --d) {
        int n = shape.size[d];
        long long q = i / n, c = i - q * n;
        oa += c * a.stride[d]; ob += c * b.stride[d];
        i = q;
    }
}

__device__ __forceinline__ void offsets3(long long i, const Shape& shape, const Strided& a, const Strided& b, const Strided& c,
                                         long long& oa, long long& ob, long long& oc) {
    oa = a.offset; ob = b.offset; oc = c.offset;
    for (int d = shape.rank - 1; d >= 0; --d) {
        int n = shape.size[d];
        long long q = i / n, k = i - q * n;
        oa += k * a.stride[d]; ob += k * b.stride[d]; oc += k * c.stride[d];
        i = q;
    }
}

#define GRID_STRIDE(i, n) for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (long long) gridDim.x * blockDim.x)

// ---- the error slot -------------------------------------------------------------------------------
// A kernel that finds bad data (an index out of range, an integer to a negative power) records the
// first such error here; the host reads the slot after every synchronisation and throws an exception
// naming it (CudaErrors). Words: code, the offending value, the bound, a detail (a dimension).
__device__ unsigned long long galvani_error[4];

enum ErrorCode { ERROR_NONE = 0, ERROR_INDEX = 1, ERROR_NEGATIVE_POWER = 2 };

__device__ __forceinline__ void report_error(int code, long long value, long long bound, long long detail) {
    if (atomicCAS(&galvani_error[0], 0ull, (unsigned long long) code) == 0ull) {
        galvani_error[1] = (unsigned long long) value;
        galvani_error[2] = (unsigned long long) bound;
        galvani_error[3] = (unsigned long long) detail;
    }
}

// ---- op codes: the declaration order of dev.galvani.tensor.backend.UnaryOp / BinaryOp / ReduceOp ----
enum UnaryCode {
    U_NEG, U_ABS, U_SIGN, U_SQUARE, U_RELU, U_FLOOR, U_CEIL, U_ROUND, U_EXP, U_EXPM1, U_LOG, U_LOG1P, U_SQRT, U_RSQRT,
    U_RECIPROCAL, U_SIN, U_COS, U_TANH, U_SIGMOID, U_SILU, U_SOFTPLUS, U_GELU, U_ERF
};
enum BinaryCode {
    B_ADD, B_SUB, B_MUL, B_DIV, B_POW, B_MAXIMUM, B_MINIMUM, B_ATAN2, B_EQ, B_NE, B_LT, B_LE, B_GT, B_GE, B_LOGICAL_AND, B_LOGICAL_OR
};
enum ReduceCode { R_SUM, R_PROD, R_MAX, R_MIN, R_ARGMAX, R_ARGMIN };

typedef unsigned char gbool;   // BOOL elements: one byte, 0 or 1

// ---- Philox4x32-10 (Salmon et al., SC 2011; dev.galvani.tensor.Philox documents the mapping) ----
#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

struct Words { unsigned int w0, w1, w2, w3; };

__device__ __forceinline__ Words philox4x32_10(unsigned int c0, unsigned int c1, unsigned int c2, unsigned int c3, unsigned int k0, unsigned int k1) {
    #pragma unroll
    for (int r = 0; r < 10; ++r) {
        if (r > 0) { k0 += PHILOX_W0; k1 += PHILOX_W1; }
        unsigned int hi0 = __umulhi(PHILOX_M0, c0), lo0 = PHILOX_M0 * c0;
        unsigned int hi1 = __umulhi(PHILOX_M1, c2), lo1 = PHILOX_M1 * c2;
        unsigned int n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
        c0 = n0; c1 = lo1; c2 = n2; c3 = lo0;
    }
    Words w = {c0, c1, c2, c3};
    return w;
}

// The block of element i of a fill at generator offset `offset` under `seed` (Philox.draw).
__device__ __forceinline__ Words philox_draw(unsigned long long seed, unsigned long long counter) {
    return philox4x32_10((unsigned int) counter, (unsigned int) (counter >> 32), 0u, 0u, (unsigned int) seed, (unsigned int) (seed >> 32));
}

__device__ __forceinline__ unsigned long long bits64(unsigned int hi, unsigned int lo) { return ((unsigned long long) hi << 32) | lo; }

// ---- block-wide sums with warp shuffles -------------------------------------------------------------
__device__ __forceinline__ double warp_sum(double v) {
    #pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
    return v;
}

// The sum of v over the block (blockDim.x a multiple of 32, at most 1024), valid in thread 0; the
// order of additions is fixed by the thread layout, so the result is reproducible run to run.
__device__ __forceinline__ double block_sum(double v) {
    __shared__ double partial[32];
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    v = warp_sum(v);
    __syncthreads();                 // partial may still be read by an earlier call
    if (lane == 0) partial[warp] = v;
    __syncthreads();
    int warps = blockDim.x >> 5;
    v = threadIdx.x < warps ? partial[threadIdx.x] : 0.0;
    if (warp == 0) v = warp_sum(v);
    return v;
}
