// Philox4x32-10 fills (dev.galvani.tensor.Philox): element i of a contiguous output is made from
// the block at counter offset + i under the seed, by the CPU's formulas, so uniforms, raw bits,
// integers and Bernoulli draws are bit-identical to the CPU's. Normals use CUDA's double log, cos
// and sqrt (sqrt is correctly rounded; log and cos are within an ulp or two of fdlibm's), so F32
// normals, rounded once to float, almost always match the CPU bit for bit, and F64 normals agree
// to a few ulps.
#include "common.cuh"

#define TWO_POW_M24F 5.9604644775390625e-8f   // 2^-24
#define TWO_POW_M32 2.3283064365386963e-10    // 2^-32
#define TWO_POW_M53 1.1102230246251565e-16    // 2^-53
#define TWO_PI 6.283185307179586              // 2 * Math.PI

__device__ __forceinline__ double uniform_f64(Words w) { return (double) (bits64(w.w0, w.w1) >> 11) * TWO_POW_M53; }

extern "C" __global__ void random_uniform_f32(float* out, long long n, unsigned long long seed, unsigned long long offset) {
    GRID_STRIDE(i, n) out[i] = (float) (philox_draw(seed, offset + i).w0 >> 8) * TWO_POW_M24F;
}

extern "C" __global__ void random_uniform_f64(double* out, long long n, unsigned long long seed, unsigned long long offset) {
    GRID_STRIDE(i, n) out[i] = uniform_f64(philox_draw(seed, offset + i));
}

extern "C" __global__ void random_normal_f32(float* out, long long n, unsigned long long seed, unsigned long long offset) {
    GRID_STRIDE(i, n) {
        Words w = philox_draw(seed, offset + i);
        double u1 = ((double) w.w0 + 1.0) * TWO_POW_M32, u2 = (double) w.w1 * TWO_POW_M32;
        out[i] = (float) (sqrt(-2.0 * log(u1)) * cos(TWO_PI * u2));
    }
}

extern "C" __global__ void random_normal_f64(double* out, long long n, unsigned long long seed, unsigned long long offset) {
    GRID_STRIDE(i, n) {
        Words w = philox_draw(seed, offset + i);
        double u1 = ((double) (bits64(w.w0, w.w1) >> 11) + 1.0) * TWO_POW_M53;
        double u2 = (double) (bits64(w.w2, w.w3) >> 11) * TWO_POW_M53;
        out[i] = sqrt(-2.0 * log(u1)) * cos(TWO_PI * u2);
    }
}

extern "C" __global__ void random_bits64(long long* out, long long n, unsigned long long seed, unsigned long long offset) {
    GRID_STRIDE(i, n) {
        Words w = philox_draw(seed, offset + i);
        out[i] = (long long) bits64(w.w0, w.w1);
    }
}

// low + mulhi_u64(bits, high - low), Lemire's multiply-shift without rejection (Philox.integer).
extern "C" __global__ void random_integers(long long* out, long long n, unsigned long long seed, unsigned long long offset, long long low,
                                           long long high) {
    unsigned long long range = (unsigned long long) high - (unsigned long long) low;
    GRID_STRIDE(i, n) {
        Words w = philox_draw(seed, offset + i);
        out[i] = (long long) ((unsigned long long) low + __umul64hi(bits64(w.w0, w.w1), range));
    }
}

// 1 where the element's 53-bit uniform is below p, in the output's dtype.
#define BERNOULLI(name, T) \
    extern "C" __global__ void random_bernoulli_##name(T* out, long long n, unsigned long long seed, unsigned long long offset, double p) { \
        GRID_STRIDE(i, n) out[i] = uniform_f64(philox_draw(seed, offset + i)) < p ? (T) 1 : (T) 0; }
BERNOULLI(f32, float)
BERNOULLI(f64, double)
BERNOULLI(i32, int)
BERNOULLI(i64, long long)
BERNOULLI(bool, gbool)
