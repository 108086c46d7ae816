// Layout changes around cuFFT (SpectralKernels' contract): Galvani holds complex numbers split
// (a real and an imaginary operand) as [outer, length, inner] with the transform along the middle
// dimension; cuFFT wants interleaved sequences one after another, [outer * inner, length]. pack
// gathers into that layout, unpack scatters back and applies the transform's scale. One thread per
// element of the packed side, so writes are coalesced there.
#include "common.cuh"

// z[b, j] = (re, im)[o, j, i] with b = o inner + i, for j < binsOut; bins at or past binsIn are 0.
// im may be null (a real input). With realLength > 0 (an inverse real transform), the imaginary parts
// of bin 0 and, for an even real length, bin realLength / 2 are dropped (a real signal has none).
template <typename T>
__device__ void fft_pack(const T* re, const T* im, T* z, long long count, int binsIn, int binsOut, int inner, int realLength) {
    GRID_STRIDE(e, count) {
        int j = (int) (e % binsOut);
        long long b = e / binsOut, o = b / inner, i = b - o * inner;
        T vr = 0, vi = 0;
        if (j < binsIn) {
            long long at = (o * binsIn + j) * inner + i;
            vr = re[at];
            if (im) vi = im[at];
        }
        if (realLength > 0 && (j == 0 || (realLength % 2 == 0 && j == realLength / 2))) vi = 0;
        z[2 * e] = vr;
        z[2 * e + 1] = vi;
    }
}

// (re, im)[o, j, i] = scale z[b, j]; im may be null (a real output, z then holds reals).
template <typename T>
__device__ void fft_unpack(const T* z, T* re, T* im, long long count, int length, int inner, double scale) {
    GRID_STRIDE(e, count) {
        int j = (int) (e % length);
        long long b = e / length, o = b / inner, i = b - o * inner;
        long long at = (o * length + j) * inner + i;
        if (im) {
            re[at] = (T) (z[2 * e] * (T) scale);
            im[at] = (T) (z[2 * e + 1] * (T) scale);
        } else {
            re[at] = (T) (z[e] * (T) scale);
        }
    }
}

// y[b, j] = x[o, j, i]: a real input into cuFFT's layout.
template <typename T>
__device__ void fft_pack_real(const T* x, T* y, long long count, int length, int inner) {
    GRID_STRIDE(e, count) {
        int j = (int) (e % length);
        long long b = e / length, o = b / inner, i = b - o * inner;
        y[e] = x[(o * length + j) * inner + i];
    }
}

#define FFT_LAYOUTS(name, T) \
    extern "C" __global__ void fft_pack_##name(const T* re, const T* im, T* z, long long count, int binsIn, int binsOut, int inner, int realLength) { \
        fft_pack<T>(re, im, z, count, binsIn, binsOut, inner, realLength); } \
    extern "C" __global__ void fft_unpack_##name(const T* z, T* re, T* im, long long count, int length, int inner, double scale) { \
        fft_unpack<T>(z, re, im, count, length, inner, scale); } \
    extern "C" __global__ void fft_pack_real_##name(const T* x, T* y, long long count, int length, int inner) { \
        fft_pack_real<T>(x, y, count, length, inner); }
FFT_LAYOUTS(f32, float)
FFT_LAYOUTS(f64, double)
