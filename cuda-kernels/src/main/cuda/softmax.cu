// Softmax and log-softmax along one dimension, and their backward passes (SoftmaxKernels' contract):
// operands are [outer, n, inner] views, one row of n elements per (outer, inner) pair, inputs with any
// strides, the output contiguous. Per row, with m the row's maximum:
//   softmax      y = exp(x - m) / sum(exp(x - m))       backward  dx = y (g - sum(g y))
//   log-softmax  y = (x - m) - log(sum(exp(x - m)))     backward  dx = g - exp(y) sum(g)
// Three ways to spread a row over threads, chosen by the host (CudaSoftmax):
//   thread: one thread per row, for rows along a dimension that is not the last when there are many
//           of them (adjacent threads then read adjacent elements: coalesced);
//   warp:   one warp per row, lanes striding over it, for short rows;
//   block:  one block per row, for long rows.
// A row's maximum and sum are combined by butterfly shuffles within the warp (every lane ends with the
// same value), then across warps in warp order through shared memory: a fixed order, so results are
// the same on every run. Sums accumulate in the element type, as the CPU's lanes do.
#include "common.cuh"
#include <math.h>

enum RowMode { ROW_THREAD = 0, ROW_WARP = 1, ROW_BLOCK = 2 };

template <typename T> __device__ __forceinline__ T exp_of(T x);
template <> __device__ __forceinline__ float exp_of<float>(float x) { return expf(x); }
template <> __device__ __forceinline__ double exp_of<double>(double x) { return exp(x); }
template <typename T> __device__ __forceinline__ T log_of(T x);
template <> __device__ __forceinline__ float log_of<float>(float x) { return logf(x); }
template <> __device__ __forceinline__ double log_of<double>(double x) { return log(x); }

// max that propagates NaN, as the CPU's MAX lanes (Math.max) do.
template <typename T> __device__ __forceinline__ T max_nan(T a, T b) { return (a != a || a > b) ? a : b; }

// Threads per row (a warp is the whole block when the block is smaller, as in the host emulation).
template <int MODE> __device__ __forceinline__ int row_width() {
    return MODE == ROW_THREAD ? 1 : (MODE == ROW_WARP && blockDim.x > 32 ? 32 : (int) blockDim.x);
}

// The maximum (MAX) or sum of v over the threads of one row, returned to each of them.
template <typename T, int MODE, bool MAX> __device__ __forceinline__ T row_reduce(T v) {
    if (row_width<MODE>() == 1) return v;
    #pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
        T w = __shfl_xor_sync(0xffffffffu, v, o);
        v = MAX ? max_nan(v, w) : v + w;
    }
    if (MODE == ROW_WARP) return v;
    __shared__ T partial[32];
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    __syncthreads();                 // partial may still be read by the previous reduction
    if (lane == 0) partial[warp] = v;
    __syncthreads();
    v = partial[0];
    for (int w = 1; w < warps; ++w) v = MAX ? max_nan(v, partial[w]) : v + partial[w];
    return v;
}

// How a launch spreads rows over threads: `width` threads per row (this one is `lane` among them),
// rows first, first + step, ... for this thread. Every thread of a row takes the same iterations, so
// the reductions' shuffles and barriers are reached uniformly.
struct RowSplit { int width, lane; long long first, step, rows; };

template <int MODE> __device__ __forceinline__ RowSplit row_split(int outer, int inner) {
    RowSplit s;
    s.width = row_width<MODE>();
    s.lane = (int) threadIdx.x % s.width;
    long long per = blockDim.x / s.width;
    s.first = (long long) blockIdx.x * per + threadIdx.x / s.width;
    s.step = (long long) gridDim.x * per;
    s.rows = (long long) outer * inner;
    return s;
}

template <typename T, int MODE>
__device__ void softmax_forward(const T* x, T* out, int outer, int n, int inner, int xOuter, int xStep, int xInner, int is_log) {
    RowSplit sp = row_split<MODE>(outer, inner);
    int lane = sp.lane, width = sp.width;
    for (long long r = sp.first; r < sp.rows; r += sp.step) {
        long long o = r / inner, i = r - o * inner;
        const T* xr = x + o * xOuter + i * xInner;
        T* yr = out + o * n * inner + i;
        T m = -(T) INFINITY;
        for (int k = lane; k < n; k += width) m = max_nan(m, xr[(long long) k * xStep]);
        m = row_reduce<T, MODE, true>(m);
        T s = 0;
        for (int k = lane; k < n; k += width) s += exp_of(xr[(long long) k * xStep] - m);
        s = row_reduce<T, MODE, false>(s);
        if (is_log) {
            T ls = log_of(s);
            for (int k = lane; k < n; k += width) yr[(long long) k * inner] = (xr[(long long) k * xStep] - m) - ls;
        } else {
            for (int k = lane; k < n; k += width) yr[(long long) k * inner] = exp_of(xr[(long long) k * xStep] - m) / s;
        }
    }
}

template <typename T, int MODE>
__device__ void softmax_backward(const T* g, const T* y, T* out, int outer, int n, int inner, int gOuter, int gStep, int gInner,
                                 int yOuter, int yStep, int yInner, int is_log) {
    RowSplit sp = row_split<MODE>(outer, inner);
    int lane = sp.lane, width = sp.width;
    for (long long r = sp.first; r < sp.rows; r += sp.step) {
        long long o = r / inner, i = r - o * inner;
        const T* gr = g + o * gOuter + i * gInner;
        const T* yr = y + o * yOuter + i * yInner;
        T* dr = out + o * n * inner + i;
        T s = 0;                                     // sum(g) for log-softmax, sum(g y) for softmax
        for (int k = lane; k < n; k += width) {
            T gv = gr[(long long) k * gStep];
            s += is_log ? gv : gv * yr[(long long) k * yStep];
        }
        s = row_reduce<T, MODE, false>(s);
        for (int k = lane; k < n; k += width) {
            T gv = gr[(long long) k * gStep], yv = yr[(long long) k * yStep];
            dr[(long long) k * inner] = is_log ? gv - exp_of(yv) * s : yv * (gv - s);
        }
    }
}

#define SOFTMAX_MODE(name, T, mode, MODE) \
    extern "C" __global__ void softmax_forward_##mode##_##name(const T* x, T* out, int outer, int n, int inner, int xOuter, int xStep, int xInner, \
                                                                int is_log) { \
        softmax_forward<T, MODE>(x, out, outer, n, inner, xOuter, xStep, xInner, is_log); } \
    extern "C" __global__ void softmax_backward_##mode##_##name(const T* g, const T* y, T* out, int outer, int n, int inner, int gOuter, int gStep, \
                                                                 int gInner, int yOuter, int yStep, int yInner, int is_log) { \
        softmax_backward<T, MODE>(g, y, out, outer, n, inner, gOuter, gStep, gInner, yOuter, yStep, yInner, is_log); }
SOFTMAX_MODE(f32, float, thread, ROW_THREAD)
SOFTMAX_MODE(f32, float, warp, ROW_WARP)
SOFTMAX_MODE(f32, float, block, ROW_BLOCK)
SOFTMAX_MODE(f64, double, thread, ROW_THREAD)
SOFTMAX_MODE(f64, double, warp, ROW_WARP)
SOFTMAX_MODE(f64, double, block, ROW_BLOCK)
