// Reductions over any set of dimensions and the cumulative sum. The host splits the input's layout
// into the kept dimensions (one output element each; the output is contiguous) and the reduced
// ones; either set is coalesced. Long reductions take one block per output and combine with warp
// shuffles; short ones one thread per output. Sums and products of floats accumulate in double
// (F32 results are rounded once), integers in 64 bits; max/min propagate NaN and arg-max/arg-min
// take the first occurrence, NaN counting as the extreme, exactly as the CPU (ReduceKernels).
#include "common.cuh"

template <typename T> struct Acc { typedef double type; };
template <> struct Acc<int> { typedef long long type; };
template <> struct Acc<long long> { typedef long long type; };
template <> struct Acc<gbool> { typedef long long type; };       // BOOL reduces as the integers 0 and 1

// The accumulator rounded to the output's type; BOOL outputs are "not zero", as the CPU's Scalars.setLong.
template <typename O, typename A> __device__ __forceinline__ O narrow(A a) { return (O) a; }
template <> __device__ __forceinline__ gbool narrow<gbool, long long>(long long a) { return a != 0; }

template <typename V> __device__ __forceinline__ bool is_nan(V v) { return v != v; }

// An (value, index) candidate; `better` is associative and commutative, so any combining order
// gives the CPU's answer: NaN first, then the extreme value, then the lower index.
template <typename V> __device__ __forceinline__ bool better(bool argmax, V v1, long long i1, V v2, long long i2) {
    if (i2 < 0) return true;
    if (i1 < 0) return false;
    bool n1 = is_nan(v1), n2 = is_nan(v2);
    if (n1 || n2) return n1 && (!n2 || i1 < i2);
    if (v1 != v2) return argmax ? v1 > v2 : v1 < v2;
    return i1 < i2;
}

template <typename A> __device__ __forceinline__ A combine(int op, A x, A y) {
    switch (op) {
        case R_SUM: return x + y;
        case R_PROD: return x * y;
        case R_MAX: return is_nan(x) ? x : (is_nan(y) ? y : (x > y ? x : y));
        default: return is_nan(x) ? x : (is_nan(y) ? y : (x < y ? x : y));
    }
}
template <> __device__ __forceinline__ long long combine<long long>(int op, long long x, long long y) {
    switch (op) {
        case R_SUM: return (long long) ((unsigned long long) x + (unsigned long long) y);
        case R_PROD: return (long long) ((unsigned long long) x * (unsigned long long) y);
        case R_MAX: return x > y ? x : y;
        default: return x < y ? x : y;
    }
}

template <typename A> __device__ __forceinline__ A identity(int op, bool* none) {
    *none = op == R_MAX || op == R_MIN;     // max/min start from the first element, not from a constant
    return op == R_PROD ? (A) 1 : (A) 0;
}

template <typename A> __device__ __forceinline__ A shfl(A v, int o) { return __shfl_down_sync(0xffffffffu, v, o); }

// One block per output element (grid-stride over outputs), threads striding over the reduced elements.
template <typename T, typename O>
__device__ void reduce_rows(const T* x, O* out, Shape kept, Strided sk, Shape red, Strided sr, long long outputs, long long r, int op) {
    typedef typename Acc<T>::type A;
    __shared__ A vals[32];
    __shared__ long long idxs[32];
    __shared__ int empty[32];
    bool arg = op == R_ARGMAX || op == R_ARGMIN, argmax = op == R_ARGMAX;
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    for (long long o = blockIdx.x; o < outputs; o += gridDim.x) {
        long long base = offset_of(o, kept, sk);
        bool none;
        A acc = identity<A>(op, &none);
        long long best = -1;
        for (long long j = threadIdx.x; j < r; j += blockDim.x) {
            A v = (A) x[base + offset_of(j, red, sr) - sr.offset];
            if (arg) { if (better(argmax, v, j, acc, best)) { acc = v; best = j; } }
            else if (none) { acc = v; none = false; }
            else acc = combine(op, acc, v);
        }
        // Within the warp, then across warps through shared memory.
        for (int off = 16; off > 0; off >>= 1) {
            A v = shfl(acc, off);
            long long i = __shfl_down_sync(0xffffffffu, best, off);
            int n = __shfl_down_sync(0xffffffffu, (int) none, off);
            if (lane + off < 32) {
                if (arg) { if (better(argmax, v, i, acc, best)) { acc = v; best = i; } }
                else if (!n) { acc = none ? v : combine(op, acc, v); none = false; }
            }
        }
        __syncthreads();
        if (lane == 0) { vals[warp] = acc; idxs[warp] = best; empty[warp] = none; }
        __syncthreads();
        if (threadIdx.x == 0) {
            A a = vals[0];
            long long bi = idxs[0];
            bool nn = empty[0];
            for (int w = 1; w < warps; ++w) {
                if (arg) { if (better(argmax, vals[w], idxs[w], a, bi)) { a = vals[w]; bi = idxs[w]; } }
                else if (!empty[w]) { a = nn ? vals[w] : combine(op, a, vals[w]); nn = false; }
            }
            if (arg) ((long long*) out)[o] = bi < 0 ? 0 : bi;
            else out[o] = narrow<O>(a);
        }
    }
}

// One thread per output, for short reductions.
template <typename T, typename O>
__device__ void reduce_short(const T* x, O* out, Shape kept, Strided sk, Shape red, Strided sr, long long outputs, long long r, int op) {
    typedef typename Acc<T>::type A;
    bool arg = op == R_ARGMAX || op == R_ARGMIN, argmax = op == R_ARGMAX;
    GRID_STRIDE(o, outputs) {
        long long base = offset_of(o, kept, sk);
        bool none;
        A acc = identity<A>(op, &none);
        long long best = -1;
        for (long long j = 0; j < r; ++j) {
            A v = (A) x[base + offset_of(j, red, sr) - sr.offset];
            if (arg) { if (better(argmax, v, j, acc, best)) { acc = v; best = j; } }
            else if (none) { acc = v; none = false; }
            else acc = combine(op, acc, v);
        }
        if (arg) ((long long*) out)[o] = best < 0 ? 0 : best;
        else out[o] = narrow<O>(acc);
    }
}

// The arg ops write I64 indices; the others x's dtype.
#define REDUCE(name, T) \
    extern "C" __global__ void reduce_rows_##name(const T* x, void* out, Shape kept, Strided sk, Shape red, Strided sr, long long outputs, long long r, int op) { \
        reduce_rows<T, T>(x, (T*) out, kept, sk, red, sr, outputs, r, op); } \
    extern "C" __global__ void reduce_short_##name(const T* x, void* out, Shape kept, Strided sk, Shape red, Strided sr, long long outputs, long long r, int op) { \
        reduce_short<T, T>(x, (T*) out, kept, sk, red, sr, outputs, r, op); }
REDUCE(f32, float)
REDUCE(f64, double)
REDUCE(i32, int)
REDUCE(i64, long long)
REDUCE(bool, gbool)

// ---- cumulative sum: one thread per line along `dim`, in order (floats accumulate in double) ----
template <typename T>
__device__ void cumsum_kernel(const T* x, T* out, Shape lines, Strided sx, Strided so, long long count, int len, int xStep, int oStep) {
    typedef typename Acc<T>::type A;
    GRID_STRIDE(l, count) {
        long long ox, oo;
        offsets2(l, lines, sx, so, ox, oo);
        A s = 0;
        for (int i = 0; i < len; ++i) {
            s = combine<A>(R_SUM, s, (A) x[ox + (long long) i * xStep]);
            out[oo + (long long) i * oStep] = (T) s;
        }
    }
}

#define CUMSUM(name, T) \
    extern "C" __global__ void cumsum_##name(const T* x, T* out, Shape lines, Strided sx, Strided so, long long count, int len, int xStep, int oStep) { \
        cumsum_kernel<T>(x, out, lines, sx, so, count, len, xStep, oStep); }
CUMSUM(f32, float)
CUMSUM(f64, double)
CUMSUM(i32, int)
CUMSUM(i64, long long)
