// The fused Adam/AdamW step (OptimizerKernels.adamStep), one thread per element, in exactly the
// CPU's order of operations and precision (AdamKernels: F32 in float with the constants rounded
// once, F64 in double). nvcc compiles with --fmad=false and IEEE division and square root, so the
// result is the CPU's bit for bit.
#include "common.cuh"
#include <math.h>

// Java's Math.max: NaN if either is NaN.
template <typename T> __device__ __forceinline__ T java_max(T a, T b) { return a != a ? a : (b != b ? b : (a >= b ? a : b)); }

__device__ __forceinline__ float root(float v) { return sqrtf(v); }
__device__ __forceinline__ double root(double v) { return sqrt(v); }

template <typename T>
__device__ void adam_step(T* p, const T* g, T* m, T* v, T* vmax, long long n, T lr, T b1, T b2, T eps, T wd, T decay, T c1, T c2,
                          T bc1, T bc2, int decoupled, int maximize) {
    GRID_STRIDE(i, n) {
        T gi = maximize ? -g[i] : g[i];
        T pi = p[i];
        if (wd != (T) 0) {
            if (decoupled) pi *= decay;
            else gi += pi * wd;
        }
        T mi = m[i] * b1 + gi * c1;
        T vi = v[i] * b2 + gi * gi * c2;
        m[i] = mi;
        v[i] = vi;
        if (vmax) vi = vmax[i] = java_max(vmax[i], vi);
        p[i] = pi - mi / bc1 / (root(vi / bc2) + eps) * lr;
    }
}

// The host passes the hyperparameters in double; the F32 kernel rounds each once, as AdamKernels.adamF32:
// decay = 1 - lr wd, c1 = 1 - beta1, c2 = 1 - beta2 and the bias corrections are formed in double.
extern "C" __global__ void adam_step_f32(float* p, const float* g, float* m, float* v, float* vmax, long long n, double lr, double beta1,
                                         double beta2, double eps, double wd, double bc1, double bc2, int decoupled, int maximize) {
    adam_step<float>(p, g, m, v, vmax, n, (float) lr, (float) beta1, (float) beta2, (float) eps, (float) wd, (float) (1 - lr * wd),
                     (float) (1 - beta1), (float) (1 - beta2), (float) bc1, (float) bc2, decoupled, maximize);
}

extern "C" __global__ void adam_step_f64(double* p, const double* g, double* m, double* v, double* vmax, long long n, double lr, double beta1,
                                         double beta2, double eps, double wd, double bc1, double bc2, int decoupled, int maximize) {
    adam_step<double>(p, g, m, v, vmax, n, lr, beta1, beta2, eps, wd, 1 - lr * wd, 1 - beta1, 1 - beta2, bc1, bc2, decoupled, maximize);
}
