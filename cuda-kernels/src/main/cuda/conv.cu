// 2-D convolution as im2col + GEMM (the GEMM is cuBLAS or Galvani's SGEMM, launched by the host):
// im2col writes the input windows of one group and a chunk of the batch as columns, in whatever
// layout the following product wants (the column buffer's batch and row strides are arguments);
// col2im is its adjoint written as a gather: one thread per input element sums the column entries
// that came from it, in a fixed (kernel row, kernel column) order, so the input gradient needs no
// atomics and is reproducible.
//
// Pointers arrive already offset to the chunk's first image and the group's first channel.
#include "common.cuh"

// Column entry (b, k, l), k = (c kH + r) kW + q over the group's Cg channels and the kernel taps,
// l = i oW + j over the output positions, is x[b, c, i sH - pH + r dH, j sW - pW + q dW] (0 in the
// padding). x has strides (N, C, H, W) in sx.
template <typename T>
__device__ void im2col_kernel(const T* x, T* cols, Strided sx, long long count, int cg, int h, int w, int kh, int kw, int oh, int ow,
                              int sh, int sw, int ph, int pw, int dh, int dw, long long colBatchStride, long long colRowStride) {
    long long l_count = (long long) oh * ow, k_count = (long long) cg * kh * kw;
    GRID_STRIDE(e, count) {
        long long l = e % l_count, t = e / l_count;
        long long k = t % k_count, b = t / k_count;
        int c = (int) (k / (kh * kw)), r = (int) ((k / kw) % kh), q = (int) (k % kw);
        int i = (int) (l / ow), j = (int) (l % ow);
        int y = i * sh - ph + r * dh, z = j * sw - pw + q * dw;
        T v = (T) 0;
        if (y >= 0 && y < h && z >= 0 && z < w)
            v = x[b * sx.stride[0] + (long long) c * sx.stride[1] + (long long) y * sx.stride[2] + (long long) z * sx.stride[3]];
        cols[b * colBatchStride + k * colRowStride + l] = v;
    }
}

// gradIn[b, c, y, z] (channels c of the group, contiguous [nb, C, H, W] from the pointer) = the sum
// of the column gradients [nb, Cg kH kW, oH oW] of every tap that read it.
template <typename T>
__device__ void col2im_kernel(const T* cols, T* gradIn, long long count, int channels, int cg, int h, int w, int kh, int kw, int oh, int ow,
                              int sh, int sw, int ph, int pw, int dh, int dw) {
    long long l_count = (long long) oh * ow, k_count = (long long) cg * kh * kw;
    GRID_STRIDE(e, count) {
        int z = (int) (e % w);
        long long t = e / w;
        int y = (int) (t % h);
        t /= h;
        int c = (int) (t % cg);
        long long b = t / cg;
        const T* col = cols + b * k_count * l_count;
        T sum = (T) 0;
        for (int r = 0; r < kh; ++r) {
            int yy = y + ph - r * dh;
            if (yy < 0 || yy % sh != 0 || yy / sh >= oh) continue;
            int i = yy / sh;
            for (int q = 0; q < kw; ++q) {
                int zz = z + pw - q * dw;
                if (zz < 0 || zz % sw != 0 || zz / sw >= ow) continue;
                sum += col[((long long) (c * kh + r) * kw + q) * l_count + (long long) i * ow + zz / sw];
            }
        }
        gradIn[((b * channels + c) * h + y) * (long long) w + z] = sum;
    }
}

#define CONVOLUTION(name, T) \
    extern "C" __global__ void im2col_##name(const T* x, T* cols, Strided sx, long long count, int cg, int h, int w, int kh, int kw, int oh, \
                                             int ow, int sh, int sw, int ph, int pw, int dh, int dw, long long colBatchStride, long long colRowStride) { \
        im2col_kernel<T>(x, cols, sx, count, cg, h, w, kh, kw, oh, ow, sh, sw, ph, pw, dh, dw, colBatchStride, colRowStride); } \
    extern "C" __global__ void col2im_##name(const T* cols, T* gradIn, long long count, int channels, int cg, int h, int w, int kh, int kw, \
                                             int oh, int ow, int sh, int sw, int ph, int pw, int dh, int dw) { \
        col2im_kernel<T>(cols, gradIn, count, channels, cg, h, w, kh, kw, oh, ow, sh, sw, ph, pw, dh, dw); }
CONVOLUTION(f32, float)
CONVOLUTION(f64, double)
