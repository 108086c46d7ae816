// Element-wise kernels: fill, copy with casting, unary, binary (tensor or Java-number operand),
// where. Each has a general strided/broadcast form over a coalesced Shape; F32 unary and binary
// also have a contiguous fast path with 16-byte vector loads. Conversions and op definitions
// follow the CPU's (Scalars, UnaryOp.apply, BinaryOp.apply); transcendental functions that the CPU
// computes in double for F32 are computed in double here too and rounded once.
#include "common.cuh"
#include <math.h>

// ---- conversions (C/PyTorch casts as the CPU's Scalars: float to integer through a 64-bit
// truncation, anything to bool is "not zero") -----------------------------------------------------
template <typename D, typename S> __device__ __forceinline__ D convert(S v) { return (D) v; }
template <> __device__ __forceinline__ gbool convert<gbool, float>(float v) { return v != 0.0f; }
template <> __device__ __forceinline__ gbool convert<gbool, double>(double v) { return v != 0.0; }
template <> __device__ __forceinline__ gbool convert<gbool, int>(int v) { return v != 0; }
template <> __device__ __forceinline__ gbool convert<gbool, long long>(long long v) { return v != 0; }
template <> __device__ __forceinline__ gbool convert<gbool, gbool>(gbool v) { return v != 0; }
template <> __device__ __forceinline__ int convert<int, float>(float v) { return (int) (long long) v; }
template <> __device__ __forceinline__ int convert<int, double>(double v) { return (int) (long long) v; }

// ---- fill --------------------------------------------------------------------------------------
template <typename T> __device__ void fill_kernel(T* dst, Shape shape, Strided d, long long n, T value) {
    GRID_STRIDE(i, n) dst[offset_of(i, shape, d)] = value;
}

#define FILL(name, T, ARG) \
    extern "C" __global__ void fill_##name(T* dst, Shape shape, Strided d, long long n, ARG value) { fill_kernel<T>(dst, shape, d, n, convert<T, ARG>(value)); }
FILL(f32, float, double)
FILL(f64, double, double)
FILL(i32, int, long long)
FILL(i64, long long, long long)
FILL(bool, gbool, long long)

// ---- copy with casting ---------------------------------------------------------------------------
template <typename S, typename D> __device__ void copy_kernel(const S* src, D* dst, Shape shape, Strided s, Strided d, long long n) {
    GRID_STRIDE(i, n) {
        long long os, od;
        offsets2(i, shape, s, d, os, od);
        dst[od] = convert<D, S>(src[os]);
    }
}

#define COPY(sn, S, dn, D) \
    extern "C" __global__ void copy_##sn##_##dn(const S* src, D* dst, Shape shape, Strided s, Strided d, long long n) { copy_kernel<S, D>(src, dst, shape, s, d, n); }
#define COPY_FROM(sn, S) COPY(sn, S, f32, float) COPY(sn, S, f64, double) COPY(sn, S, i32, int) COPY(sn, S, i64, long long) COPY(sn, S, bool, gbool)
COPY_FROM(f32, float)
COPY_FROM(f64, double)
COPY_FROM(i32, int)
COPY_FROM(i64, long long)
COPY_FROM(bool, gbool)

// I64 to F32 in one rounding, as the CPU (convert's default cast already does exactly that).

// ---- unary ----------------------------------------------------------------------------------------
__device__ __forceinline__ float unary_f32(int op, float x) {
    switch (op) {
        case U_NEG: return -x;
        case U_ABS: return fabsf(x);
        case U_SIGN: return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : (x == 0.0f ? x : 0.0f));   // sign(±0) = ±0, sign(NaN) = 0
        case U_SQUARE: return x * x;
        case U_RELU: return x > 0.0f ? x : (isnan(x) ? x : 0.0f);
        case U_FLOOR: return floorf(x);
        case U_CEIL: return ceilf(x);
        case U_ROUND: return rintf(x);
        case U_EXP: return expf(x);
        case U_EXPM1: return (float) expm1((double) x);
        case U_LOG: return (float) log((double) x);
        case U_LOG1P: return (float) log1p((double) x);
        case U_SQRT: return sqrtf(x);
        case U_RSQRT: return 1.0f / sqrtf(x);
        case U_RECIPROCAL: return 1.0f / x;
        case U_SIN: return (float) sin((double) x);
        case U_COS: return (float) cos((double) x);
        case U_TANH: return tanhf(x);
        case U_SIGMOID: return 1.0f / (1.0f + expf(-x));
        case U_SILU: return x / (1.0f + expf(-x));
        case U_SOFTPLUS: { double d = x; return (float) (fmax(d, 0.0) + log1p(exp(-fabs(d)))); }
        case U_GELU: { double d = x; return (float) (0.5 * d * (1.0 + erf(d * 0.7071067811865476))); }
        case U_ERF: return (float) erf((double) x);
        default: return nanf("");
    }
}

__device__ __forceinline__ double unary_f64(int op, double x) {
    switch (op) {
        case U_NEG: return -x;
        case U_ABS: return fabs(x);
        case U_SIGN: return x > 0.0 ? 1.0 : (x < 0.0 ? -1.0 : (x == 0.0 ? x : 0.0));
        case U_SQUARE: return x * x;
        case U_RELU: return x > 0.0 ? x : (isnan(x) ? x : 0.0);
        case U_FLOOR: return floor(x);
        case U_CEIL: return ceil(x);
        case U_ROUND: return rint(x);
        case U_EXP: return exp(x);
        case U_EXPM1: return expm1(x);
        case U_LOG: return log(x);
        case U_LOG1P: return log1p(x);
        case U_SQRT: return sqrt(x);
        case U_RSQRT: return 1.0 / sqrt(x);
        case U_RECIPROCAL: return 1.0 / x;
        case U_SIN: return sin(x);
        case U_COS: return cos(x);
        case U_TANH: return tanh(x);
        case U_SIGMOID: return 1.0 / (1.0 + exp(-x));
        case U_SILU: return x / (1.0 + exp(-x));
        case U_SOFTPLUS: return fmax(x, 0.0) + log1p(exp(-fabs(x)));
        case U_GELU: return 0.5 * x * (1.0 + erf(x * 0.7071067811865476));
        case U_ERF: return erf(x);
        default: return nan("");
    }
}

// Integer forms (UnaryOp.applyLong): the float-only ops never reach an integer kernel.
__device__ __forceinline__ long long unary_int(int op, long long x) {
    switch (op) {
        case U_NEG: return (long long) (0ull - (unsigned long long) x);
        case U_ABS: return x < 0 ? (long long) (0ull - (unsigned long long) x) : x;
        case U_SIGN: return (x > 0) - (x < 0);
        case U_SQUARE: return (long long) ((unsigned long long) x * (unsigned long long) x);
        case U_RELU: return x > 0 ? x : 0;
        default: return x;       // FLOOR, CEIL, ROUND: the identity on integers
    }
}

__device__ __forceinline__ float unary_any(int op, float x) { return unary_f32(op, x); }
__device__ __forceinline__ double unary_any(int op, double x) { return unary_f64(op, x); }
__device__ __forceinline__ int unary_any(int op, int x) { return (int) unary_int(op, x); }
__device__ __forceinline__ long long unary_any(int op, long long x) { return unary_int(op, x); }
// BOOL as the CPU: the integer form on 0 or 1, stored as "not zero".
__device__ __forceinline__ gbool unary_any(int op, gbool x) { return unary_int(op, x) != 0; }

template <typename T> __device__ void unary_kernel(const T* x, T* out, Shape shape, Strided sx, Strided so, long long n, int op) {
    GRID_STRIDE(i, n) {
        long long ox, oo;
        offsets2(i, shape, sx, so, ox, oo);
        out[oo] = unary_any(op, x[ox]);
    }
}

#define UNARY(name, T) \
    extern "C" __global__ void unary_##name(const T* x, T* out, Shape shape, Strided sx, Strided so, long long n, int op) { unary_kernel<T>(x, out, shape, sx, so, n, op); }
UNARY(f32, float)
UNARY(f64, double)
UNARY(i32, int)
UNARY(i64, long long)
UNARY(bool, gbool)

// F32, both operands contiguous and 16-byte aligned: four elements per load.
extern "C" __global__ void unary_f32_contiguous(const float* __restrict__ x, float* __restrict__ out, long long n, int op) {
    long long n4 = n >> 2;
    const float4* x4 = reinterpret_cast<const float4*>(x);
    float4* o4 = reinterpret_cast<float4*>(out);
    GRID_STRIDE(i, n4) {
        float4 v = x4[i];
        o4[i] = make_float4(unary_f32(op, v.x), unary_f32(op, v.y), unary_f32(op, v.z), unary_f32(op, v.w));
    }
    long long tail = (long long) blockIdx.x * blockDim.x + threadIdx.x + (n4 << 2);
    if (tail < n) out[tail] = unary_f32(op, x[tail]);
}

// ---- binary -----------------------------------------------------------------------------------------
// NaN-propagating maximum and minimum with Java's signed zeros: max(-0, 0) = 0, min(-0, 0) = -0.
template <typename F> __device__ __forceinline__ F nan_max(F a, F b) {
    if (a != a) return a;
    if (b != b) return b;
    if (a == b) return signbit(a) ? b : a;
    return a > b ? a : b;
}
template <typename F> __device__ __forceinline__ F nan_min(F a, F b) {
    if (a != a) return a;
    if (b != b) return b;
    if (a == b) return signbit(a) ? a : b;
    return a < b ? a : b;
}

// C's pow where Java's differs (BinaryOp.POW): 1^y = 1 and (-1)^±inf = 1, even for y = NaN.
__device__ __forceinline__ double pow_c(double a, double b) { return a == 1.0 || (a == -1.0 && isinf(b)) ? 1.0 : pow(a, b); }

template <typename F> __device__ __forceinline__ F binary_float(int op, F a, F b) {
    switch (op) {
        case B_ADD: return a + b;
        case B_SUB: return a - b;
        case B_MUL: return a * b;
        case B_DIV: return a / b;
        case B_POW: return (F) pow_c((double) a, (double) b);
        case B_MAXIMUM: return nan_max(a, b);
        case B_MINIMUM: return nan_min(a, b);
        case B_ATAN2: return (F) atan2((double) a, (double) b);
        default: return (F) 0;
    }
}

__device__ __forceinline__ long long binary_int(int op, long long a, long long b) {
    typedef unsigned long long u64;
    switch (op) {
        case B_ADD: return (long long) ((u64) a + (u64) b);
        case B_SUB: return (long long) ((u64) a - (u64) b);
        case B_MUL: return (long long) ((u64) a * (u64) b);
        case B_POW: {
            if (b < 0) {
                if (a == 1) return 1;
                if (a == -1) return (b & 1) == 0 ? 1 : -1;
                report_error(ERROR_NEGATIVE_POWER, a, b, 0);
                return 0;
            }
            u64 r = 1, base = (u64) a;
            for (long long e = b; e > 0; e >>= 1, base *= base) if (e & 1) r *= base;
            return (long long) r;
        }
        case B_MAXIMUM: return a > b ? a : b;
        case B_MINIMUM: return a < b ? a : b;
        default: return 0;    // DIV and ATAN2 never reach integers (the front end promotes)
    }
}

template <typename V> __device__ __forceinline__ bool compare(int op, V a, V b) {
    switch (op) {
        case B_EQ: return a == b;
        case B_NE: return a != b;
        case B_LT: return a < b;
        case B_LE: return a <= b;
        case B_GT: return a > b;
        case B_GE: return a >= b;
        case B_LOGICAL_AND: return a != (V) 0 && b != (V) 0;
        case B_LOGICAL_OR: return a != (V) 0 || b != (V) 0;
        default: return false;
    }
}

__device__ __forceinline__ float arith(int op, float a, float b) { return binary_float(op, a, b); }
__device__ __forceinline__ double arith(int op, double a, double b) { return binary_float(op, a, b); }
__device__ __forceinline__ int arith(int op, int a, int b) { return (int) binary_int(op, a, b); }
__device__ __forceinline__ long long arith(int op, long long a, long long b) { return binary_int(op, a, b); }
__device__ __forceinline__ gbool arith(int op, gbool a, gbool b) { return binary_int(op, a, b) != 0; }

// The widened type a comparison reads its operands in (bools as integers).
template <typename T> struct Wide { typedef T type; };
template <> struct Wide<gbool> { typedef long long type; };
template <> struct Wide<int> { typedef long long type; };

// out = a op b; with scalarMode 1 b is the number `sb` (Java's x.add(2)), with 2 a is (scalarFirst).
template <typename T, typename O, bool BOOL_OUT>
__device__ void binary_kernel(const T* a, const T* b, O* out, Shape shape, Strided sa, Strided sb, Strided so, long long n, int op,
                              int scalarMode, T scalar) {
    GRID_STRIDE(i, n) {
        long long oa, ob, oo;
        offsets3(i, shape, sa, sb, so, oa, ob, oo);
        T x = scalarMode == 2 ? scalar : a[oa];
        T y = scalarMode == 1 ? scalar : b[ob];
        if (BOOL_OUT) out[oo] = (O) compare<typename Wide<T>::type>(op, x, y);
        else out[oo] = (O) arith(op, x, y);
    }
}

#define BINARY(name, T, ARG) \
    extern "C" __global__ void binary_##name(const T* a, const T* b, T* out, Shape shape, Strided sa, Strided sb, Strided so, long long n, int op, \
                                             int scalarMode, ARG scalar) { \
        binary_kernel<T, T, false>(a, b, out, shape, sa, sb, so, n, op, scalarMode, convert<T, ARG>(scalar)); } \
    extern "C" __global__ void compare_##name(const T* a, const T* b, gbool* out, Shape shape, Strided sa, Strided sb, Strided so, long long n, \
                                              int op, int scalarMode, ARG scalar) { \
        binary_kernel<T, gbool, true>(a, b, out, shape, sa, sb, so, n, op, scalarMode, convert<T, ARG>(scalar)); }
BINARY(f32, float, double)
BINARY(f64, double, double)
BINARY(i32, int, long long)
BINARY(i64, long long, long long)
BINARY(bool, gbool, long long)

// F32, every operand contiguous and 16-byte aligned (a number operand: scalarMode as above).
extern "C" __global__ void binary_f32_contiguous(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ out, long long n,
                                                 int op, int scalarMode, float scalar) {
    long long n4 = n >> 2;
    const float4* a4 = reinterpret_cast<const float4*>(a);
    const float4* b4 = reinterpret_cast<const float4*>(b);
    float4* o4 = reinterpret_cast<float4*>(out);
    float4 s4 = make_float4(scalar, scalar, scalar, scalar);
    GRID_STRIDE(i, n4) {
        float4 x = scalarMode == 2 ? s4 : a4[i];
        float4 y = scalarMode == 1 ? s4 : b4[i];
        o4[i] = make_float4(binary_float(op, x.x, y.x), binary_float(op, x.y, y.y), binary_float(op, x.z, y.z), binary_float(op, x.w, y.w));
    }
    long long tail = (long long) blockIdx.x * blockDim.x + threadIdx.x + (n4 << 2);
    if (tail < n) out[tail] = binary_float(op, scalarMode == 2 ? scalar : a[tail], scalarMode == 1 ? scalar : b[tail]);
}

// ---- where --------------------------------------------------------------------------------------------
template <typename T> __device__ void where_kernel(const gbool* c, const T* a, const T* b, T* out, Shape shape, Strided sc, Strided sa,
                                                   Strided sb, long long n) {
    GRID_STRIDE(i, n) {
        long long oc, oa, ob;
        offsets3(i, shape, sc, sa, sb, oc, oa, ob);
        out[i] = c[oc] ? a[oa] : b[ob];        // out is contiguous
    }
}

#define WHERE(name, T) \
    extern "C" __global__ void where_##name(const gbool* c, const T* a, const T* b, T* out, Shape shape, Strided sc, Strided sa, Strided sb, long long n) { \
        where_kernel<T>(c, a, b, out, shape, sc, sa, sb, n); }
WHERE(f32, float)
WHERE(f64, double)
WHERE(i32, int)
WHERE(i64, long long)
WHERE(bool, gbool)
