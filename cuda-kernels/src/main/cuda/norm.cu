// Batch normalisation on contiguous x [N, C, S] (NormKernels' contract): per-channel statistics in
// double with one block per channel (the mean first, then the centred squares, as the CPU does for
// accuracy; block_sum's fixed order makes them reproducible), then one thread per element for the
// affine map. Per-channel vectors [C] (mean, invstd, weight, bias and the gradients) are passed with
// their stride; weight and bias may be null (1 and 0).
#include "common.cuh"
#include <math.h>

template <typename T> __device__ __forceinline__ T fused_multiply_add(T a, T b, T c);
template <> __device__ __forceinline__ float fused_multiply_add<float>(float a, float b, float c) { return fmaf(a, b, c); }
template <> __device__ __forceinline__ double fused_multiply_add<double>(double a, double b, double c) { return fma(a, b, c); }

// The element at position k of channel ch's N x S values.
__device__ __forceinline__ long long channel_offset(long long k, int ch, int c, int s) {
    long long i = k / s;
    return (i * c + ch) * s + (k - i * s);
}

template <typename T>
__device__ void bn_statistics(const T* x, T* mean, int meanStride, T* invstd, int invstdStride, int n, int c, int s, double eps) {
    __shared__ double shared_mean;
    long long count = (long long) n * s;
    for (int ch = blockIdx.x; ch < c; ch += gridDim.x) {
        double sum = 0;
        for (long long k = threadIdx.x; k < count; k += blockDim.x) sum += (double) x[channel_offset(k, ch, c, s)];
        sum = block_sum(sum);
        if (threadIdx.x == 0) shared_mean = sum / (double) count;
        __syncthreads();
        double mu = shared_mean, squares = 0;
        for (long long k = threadIdx.x; k < count; k += blockDim.x) {
            double d = (double) x[channel_offset(k, ch, c, s)] - mu;
            squares += d * d;
        }
        squares = block_sum(squares);
        if (threadIdx.x == 0) {
            mean[(long long) ch * meanStride] = (T) mu;
            invstd[(long long) ch * invstdStride] = (T) (1.0 / sqrt(squares / (double) count + eps));
        }
        __syncthreads();                 // shared_mean is rewritten for the next channel
    }
}

// out = x scale + shift with scale = invstd w and shift = b - mean scale, formed in double and
// rounded to T once, as the CPU does.
template <typename T>
__device__ void bn_normalize(const T* x, const T* mean, int meanStride, const T* invstd, int invstdStride, const T* weight, int weightStride,
                             const T* bias, int biasStride, T* out, long long total, int c, int s) {
    GRID_STRIDE(e, total) {
        int ch = (int) ((e / s) % c);
        double scale = (double) invstd[(long long) ch * invstdStride] * (weight ? (double) weight[(long long) ch * weightStride] : 1.0);
        double shift = (bias ? (double) bias[(long long) ch * biasStride] : 0.0) - (double) mean[(long long) ch * meanStride] * scale;
        out[e] = fused_multiply_add<T>(x[e], (T) scale, (T) shift);
    }
}

// Per channel: sum(g) and sum(g (x - mean)) in double; gradBias = sum(g), gradWeight = invstd
// sum(g (x - mean)); and the coefficients of gradIn = a g + bx x + c0 (coef[3 ch .. 3 ch + 2]).
template <typename T>
__device__ void bn_backward_reduce(const T* g, const T* x, const T* mean, int meanStride, const T* invstd, int invstdStride,
                                   const T* weight, int weightStride, T* gradWeight, int gradWeightStride, T* gradBias, int gradBiasStride,
                                   double* coef, int n, int c, int s, int batchStats) {
    long long count = (long long) n * s;
    for (int ch = blockIdx.x; ch < c; ch += gridDim.x) {
        double mu = (double) mean[(long long) ch * meanStride], sg = 0, sgx = 0;
        for (long long k = threadIdx.x; k < count; k += blockDim.x) {
            long long at = channel_offset(k, ch, c, s);
            double gv = (double) g[at];
            sg += gv;
            sgx += gv * ((double) x[at] - mu);
        }
        sg = block_sum(sg);
        sgx = block_sum(sgx);
        if (threadIdx.x == 0) {
            double is = (double) invstd[(long long) ch * invstdStride];
            if (gradBias) gradBias[(long long) ch * gradBiasStride] = (T) sg;
            if (gradWeight) gradWeight[(long long) ch * gradWeightStride] = (T) (sgx * is);
            double k = is * (weight ? (double) weight[(long long) ch * weightStride] : 1.0);
            // Training: dx = k (g - sg/M - (x - mean) invstd^2 sgx/M); evaluation: dx = k g.
            double bx = batchStats ? -k * is * is * sgx / (double) count : 0.0;
            double c0 = batchStats ? -k * sg / (double) count - bx * mu : 0.0;
            coef[3 * ch] = k;
            coef[3 * ch + 1] = bx;
            coef[3 * ch + 2] = c0;
        }
        __syncthreads();
    }
}

template <typename T>
__device__ void bn_backward_input(const T* g, const T* x, const double* coef, T* gradIn, long long total, int c, int s) {
    GRID_STRIDE(e, total) {
        int ch = (int) ((e / s) % c);
        T a = (T) coef[3 * ch], bx = (T) coef[3 * ch + 1], c0 = (T) coef[3 * ch + 2];
        gradIn[e] = a * g[e] + bx * x[e] + c0;
    }
}

#define BATCH_NORM(name, T) \
    extern "C" __global__ void bn_statistics_##name(const T* x, T* mean, int meanStride, T* invstd, int invstdStride, int n, int c, int s, \
                                                    double eps) { \
        bn_statistics<T>(x, mean, meanStride, invstd, invstdStride, n, c, s, eps); } \
    extern "C" __global__ void bn_normalize_##name(const T* x, const T* mean, int meanStride, const T* invstd, int invstdStride, const T* weight, \
                                                   int weightStride, const T* bias, int biasStride, T* out, long long total, int c, int s) { \
        bn_normalize<T>(x, mean, meanStride, invstd, invstdStride, weight, weightStride, bias, biasStride, out, total, c, s); } \
    extern "C" __global__ void bn_backward_reduce_##name(const T* g, const T* x, const T* mean, int meanStride, const T* invstd, \
                                                         int invstdStride, const T* weight, int weightStride, T* gradWeight, int gradWeightStride, \
                                                         T* gradBias, int gradBiasStride, double* coef, int n, int c, int s, int batchStats) { \
        bn_backward_reduce<T>(g, x, mean, meanStride, invstd, invstdStride, weight, weightStride, gradWeight, gradWeightStride, gradBias, \
                              gradBiasStride, coef, n, c, s, batchStats); } \
    extern "C" __global__ void bn_backward_input_##name(const T* g, const T* x, const double* coef, T* gradIn, long long total, int c, int s) { \
        bn_backward_input<T>(g, x, coef, gradIn, total, c, s); }
BATCH_NORM(f32, float)
BATCH_NORM(f64, double)
