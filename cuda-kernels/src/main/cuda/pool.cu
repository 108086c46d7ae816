// 2-D max and average pooling and their backward passes on (N, C, H, W), F32 and F64, with the
// CPU's semantics (PoolKernels, PyTorch's conventions): max takes padding as -inf, the first maximum
// in row-major window order, a NaN as the maximum (the last NaN of the window), and records the
// flat position h * W + w; average clips each window to the padded input and then to the input and
// divides by Pool2dSpec.avgDivisor. Inputs (x, gradOut, indices) may have any strides (a Strided
// whose four strides are N, C, H, W); outputs are contiguous.
//
// The backward passes gather instead of scattering: one thread per input element sums the output
// gradients of the windows that contain it, in row-major window order. That is the order in which
// the CPU's loop adds them into the same element, so the result is the CPU's bit for bit, without
// atomics, whatever the timing. Max backward adds the gradient of a window whose recorded index is
// this element; an index that lies outside its own window (maxPool2d never records one) is ignored.
#include "common.cuh"
#include <math.h>

struct PoolWindow { int kh, kw, sh, sw, ph, pw, dh, dw; };

// The first tap of a dilated window starting at `start` that is not in the leading padding.
__device__ __forceinline__ int first_inside(int start, int dilation) {
    return start >= 0 ? start : start + ((-start + dilation - 1) / dilation) * dilation;
}

// The range [lo, hi] of window positions i (0 <= i < count) whose taps i * stride - pad + t * dil
// (t < k) can reach input position y.
__device__ __forceinline__ void windows_over(int y, int count, int k, int stride, int pad, int dil, int& lo, int& hi) {
    int first = y + pad - (k - 1) * dil;
    lo = first <= 0 ? 0 : (first + stride - 1) / stride;
    hi = (y + pad) / stride;
    if (hi > count - 1) hi = count - 1;
}

template <typename T>
__device__ void max_forward(const T* x, T* out, long long* indices, Strided sx, long long count, int c, int h, int w, int oh, int ow, PoolWindow g) {
    GRID_STRIDE(e, count) {
        int j = (int) (e % ow);
        long long t = e / ow;
        int i = (int) (t % oh);
        long long p = t / oh;
        const T* plane = x + sx.offset + (p / c) * (long long) sx.stride[0] + (p % c) * (long long) sx.stride[1];
        int h0 = i * g.sh - g.ph, w0 = j * g.sw - g.pw;
        int h1 = min(h0 + (g.kh - 1) * g.dh + 1, h), w1 = min(w0 + (g.kw - 1) * g.dw + 1, w);
        h0 = first_inside(h0, g.dh);
        w0 = first_inside(w0, g.dw);
        T best = (T) -INFINITY;
        long long at = (long long) h0 * w + w0;
        for (int y = h0; y < h1; y += g.dh)
            for (int z = w0; z < w1; z += g.dw) {
                T v = plane[(long long) y * sx.stride[2] + (long long) z * sx.stride[3]];
                if (v > best || v != v) { best = v; at = (long long) y * w + z; }
            }
        out[e] = best;
        indices[e] = at;
    }
}

template <typename T>
__device__ void max_backward(const T* gradOut, const long long* indices, T* gradIn, Strided sg, Strided si, long long count,
                             int c, int h, int w, int oh, int ow, PoolWindow g) {
    GRID_STRIDE(e, count) {
        int z = (int) (e % w);
        long long t = e / w;
        int y = (int) (t % h);
        long long p = t / h;
        long long n = p / c, ch = p % c;
        const T* gp = gradOut + sg.offset + n * sg.stride[0] + ch * sg.stride[1];
        const long long* ip = indices + si.offset + n * si.stride[0] + ch * si.stride[1];
        long long here = (long long) y * w + z;
        int i0, i1, j0, j1;
        windows_over(y, oh, g.kh, g.sh, g.ph, g.dh, i0, i1);
        windows_over(z, ow, g.kw, g.sw, g.pw, g.dw, j0, j1);
        T acc = gradIn[e];
        for (int i = i0; i <= i1; ++i)
            for (int j = j0; j <= j1; ++j)
                if (ip[(long long) i * si.stride[2] + (long long) j * si.stride[3]] == here)
                    acc += gp[(long long) i * sg.stride[2] + (long long) j * sg.stride[3]];
        gradIn[e] = acc;
    }
}

// Pool2dSpec.avgDivisor.
__device__ __forceinline__ int avg_divisor(int i, int j, int h, int w, PoolWindow g, int countIncludePad) {
    int h0 = i * g.sh - g.ph, w0 = j * g.sw - g.pw;
    int h1 = min(h0 + g.kh, h + g.ph), w1 = min(w0 + g.kw, w + g.pw);
    if (countIncludePad) return (h1 - h0) * (w1 - w0);
    return max(0, min(h1, h) - max(h0, 0)) * max(0, min(w1, w) - max(w0, 0));
}

template <typename T>
__device__ void avg_forward(const T* x, T* out, Strided sx, long long count, int c, int h, int w, int oh, int ow, PoolWindow g, int countIncludePad) {
    GRID_STRIDE(e, count) {
        int j = (int) (e % ow);
        long long t = e / ow;
        int i = (int) (t % oh);
        long long p = t / oh;
        const T* plane = x + sx.offset + (p / c) * (long long) sx.stride[0] + (p % c) * (long long) sx.stride[1];
        int h0 = i * g.sh - g.ph, w0 = j * g.sw - g.pw;
        int h1 = min(h0 + g.kh, h), w1 = min(w0 + g.kw, w);
        h0 = max(h0, 0);
        w0 = max(w0, 0);
        if (h0 >= h1 || w0 >= w1) { out[e] = (T) 0; continue; }
        T sum = 0;
        for (int y = h0; y < h1; ++y)
            for (int z = w0; z < w1; ++z) sum += plane[(long long) y * sx.stride[2] + (long long) z * sx.stride[3]];
        out[e] = sum / (T) avg_divisor(i, j, h, w, g, countIncludePad);
    }
}

template <typename T>
__device__ void avg_backward(const T* gradOut, T* gradIn, Strided sg, long long count, int c, int h, int w, int oh, int ow, PoolWindow g,
                             int countIncludePad) {
    GRID_STRIDE(e, count) {
        int z = (int) (e % w);
        long long t = e / w;
        int y = (int) (t % h);
        long long p = t / h;
        const T* gp = gradOut + sg.offset + (p / c) * sg.stride[0] + (p % c) * sg.stride[1];
        int i0, i1, j0, j1;
        windows_over(y, oh, g.kh, g.sh, g.ph, 1, i0, i1);
        windows_over(z, ow, g.kw, g.sw, g.pw, 1, j0, j1);
        T acc = gradIn[e];
        for (int i = i0; i <= i1; ++i)
            for (int j = j0; j <= j1; ++j)
                acc += gp[(long long) i * sg.stride[2] + (long long) j * sg.stride[3]] / (T) avg_divisor(i, j, h, w, g, countIncludePad);
        gradIn[e] = acc;
    }
}

#define POOLING(name, T) \
    extern "C" __global__ void pool_max_forward_##name(const T* x, T* out, long long* indices, Strided sx, long long count, int c, int h, \
                                                       int w, int oh, int ow, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw) { \
        PoolWindow g = {kh, kw, sh, sw, ph, pw, dh, dw}; max_forward<T>(x, out, indices, sx, count, c, h, w, oh, ow, g); } \
    extern "C" __global__ void pool_max_backward_##name(const T* gradOut, const long long* indices, T* gradIn, Strided sg, Strided si, \
                                                        long long count, int c, int h, int w, int oh, int ow, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw) { \
        PoolWindow g = {kh, kw, sh, sw, ph, pw, dh, dw}; max_backward<T>(gradOut, indices, gradIn, sg, si, count, c, h, w, oh, ow, g); } \
    extern "C" __global__ void pool_avg_forward_##name(const T* x, T* out, Strided sx, long long count, int c, int h, int w, int oh, int ow, \
                                                       int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, int countIncludePad) { \
        PoolWindow g = {kh, kw, sh, sw, ph, pw, dh, dw}; avg_forward<T>(x, out, sx, count, c, h, w, oh, ow, g, countIncludePad); } \
    extern "C" __global__ void pool_avg_backward_##name(const T* gradOut, T* gradIn, Strided sg, long long count, int c, int h, int w, int oh, \
                                                        int ow, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, int countIncludePad) { \
        PoolWindow g = {kh, kw, sh, sw, ph, pw, dh, dw}; avg_backward<T>(gradOut, gradIn, sg, count, c, h, w, oh, ow, g, countIncludePad); }
POOLING(f32, float)
POOLING(f64, double)
