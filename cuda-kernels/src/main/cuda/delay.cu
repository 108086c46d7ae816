// The learnable-delay (DCLS) layer's kernels (tensor backend DelayKernels; DCLS reference §2, §3,
// §7, §10, §13), twins of the CPU's DelayConvKernels/DelayTaps:
// - the per-synapse tap math in double: profile g_k, n_k = g_k / S with S = Σ_j g_j + 1e-7, and by
//   the quotient rule ∂n_k/∂P = g'_k/S − g_k (Σ_j g'_j)/S² (the same for σ), formed in DelayTaps'
//   order. No per-thread arrays: a thread first sums the profile over the D taps, then recomputes
//   the taps it needs;
// - dcls_build: K[o, i, k] = W n_k, one thread per kernel element; with `windowed`, only the taps of
//   the sparse kernel's window (DelayTaps.window) are kept and the rest are 0, so the sparse-tap
//   layer is the dense correlation with that kernel (the same sums over the kept taps);
// - dcls_kernel_backward: dW, dP, dσ per synapse from dK (§10), over all taps or the window;
// - dcls_unfold / dcls_fold: the time windows of x as rows [t B + b, k Cin + i] for the GEMM form
//   (the host multiplies them with the kernel through cuBLAS or Galvani's SGEMM), and the adjoint
//   as a gather that adds into dx in a fixed order (no atomics);
// - integer delays (§7): out[t, b, o] = Σ_i W[o, i] x[t − d[o, i], b, i], its gradients, and the
//   streaming step, one thread per output element. A delay outside [0, D) is reported through the
//   error slot (an IndexOutOfBoundsException at the next wait; the CPU throws an
//   IllegalArgumentException at once).
#include "common.cuh"
#include <math.h>

// DelaySpec.Profile's declaration order (checked by KernelSourceTest).
enum ProfileCode { P_GAUSS, P_MAX, P_V1, P_V0 };

#define DCLS_GAUSS_WIDTH_OFFSET 0.27
#define DCLS_NORMALISATION_EPSILON 1e-7
#define DCLS_GAUSS_CUTOFF 50.0

// Java's Math.signum: ±1, or the argument itself for ±0 and NaN.
__device__ __forceinline__ double java_signum(double v) { return v > 0 ? 1.0 : (v < 0 ? -1.0 : v); }
// Java's Math.max / Math.min on doubles: NaN if either is NaN.
__device__ __forceinline__ double java_max(double a, double b) { return a != a || b != b ? (a != a ? a : b) : fmax(a, b); }
__device__ __forceinline__ double java_min(double a, double b) { return a != a || b != b ? (a != a ? a : b) : fmin(a, b); }
// Java's (int) cast of a double: NaN to 0, saturating.
__device__ __forceinline__ int java_int(double v) { return v != v ? 0 : (v >= 2147483647.0 ? 2147483647 : (v <= -2147483648.0 ? (-2147483647 - 1) : (int) v)); }

// Tap k's profile value and its derivatives by μ and σ (DelayTaps.compute).
__device__ __forceinline__ void tap_profile(int profile, int k, double mu, double sigma, double& g, double& gP, double& gS) {
    double u = k - mu;
    if (profile == P_GAUSS) {
        double s = fabs(sigma) + DCLS_GAUSS_WIDTH_OFFSET, inv2 = 1 / (s * s), sign = java_signum(sigma);
        double e = 0.5 * u * u * inv2;
        double v = e > DCLS_GAUSS_CUTOFF ? 0.0 : exp(-e);
        g = v;
        gP = v * u * inv2;
        gS = v * u * u * inv2 / s * sign;
    } else if (profile == P_MAX || profile == P_V1) {
        double a = profile == P_MAX ? fabs(sigma) + 1 : 1, sign = profile == P_MAX ? java_signum(sigma) : 0.0;
        double v = a - fabs(u);
        bool on = v > 0;
        g = on ? v : 0.0;
        gP = on ? java_signum(u) : 0.0;
        gS = on ? sign : 0.0;
    } else {
        double fl = floor(mu), frac = mu - fl;
        g = k == fl ? 1 - frac : (k == fl + 1 ? frac : 0.0);
        gP = k == fl ? -1.0 : (k == fl + 1 ? 1.0 : 0.0);
        gS = 0.0;
    }
}

// Σ_j g_j, Σ_j ∂g_j/∂μ, Σ_j ∂g_j/∂σ over all D taps, in tap order.
__device__ __forceinline__ void tap_sums(int profile, int taps, double mu, double sigma, double& sum, double& sumP, double& sumS) {
    sum = 0; sumP = 0; sumS = 0;
    for (int k = 0; k < taps; ++k) {
        double g, gP, gS;
        tap_profile(profile, k, mu, sigma, g, gP, gS);
        sum += g;
        sumP += gP;
        sumS += gS;
    }
}

// The taps lo .. hi the sparse kernel keeps (DelayTaps.window); all of them without `windowed`.
__device__ __forceinline__ void tap_window(int profile, int taps, double mu, double sigma, double radius, int windowed, int& lo, int& hi) {
    if (!windowed) { lo = 0; hi = taps - 1; return; }
    double from = mu - radius, to = mu + radius;
    if (profile == P_MAX || profile == P_V1) {
        double a = profile == P_MAX ? fabs(sigma) + 1 : 1;
        from = java_max(from, floor(mu - a) + 1);
        to = java_min(to, ceil(mu + a) - 1);
    } else if (profile == P_V0) {
        from = java_max(from, floor(mu));
        to = java_min(to, floor(mu) + 1);
    }
    lo = java_int(java_max(0, ceil(from)));
    hi = java_int(java_min(taps - 1, floor(to)));
    if (mu != mu) { lo = 0; hi = taps - 1; }
}

template <typename T>
__device__ void dcls_build(const T* weight, const T* positions, const T* sigma, T* kernel, long long count, int taps, int profile,
                           double radius, int windowed) {
    GRID_STRIDE(e, count) {
        long long syn = e / taps;
        int k = (int) (e - syn * taps);
        double mu = (double) positions[syn] + taps / 2, s = sigma ? (double) sigma[syn] : 0.0;
        int lo, hi;
        tap_window(profile, taps, mu, s, radius, windowed, lo, hi);
        double value = 0;
        if (k >= lo && k <= hi) {
            double sum, sumP, sumS, g, gP, gS;
            tap_sums(profile, taps, mu, s, sum, sumP, sumS);
            tap_profile(profile, k, mu, s, g, gP, gS);
            double inv = 1 / (sum + DCLS_NORMALISATION_EPSILON);
            value = (double) weight[syn] * (g * inv);
        }
        kernel[e] = (T) value;
    }
}

template <typename T>
__device__ void dcls_kernel_backward(const T* gradKernel, const T* weight, const T* positions, const T* sigma, T* gradWeight, T* gradPositions,
                                     T* gradSigma, long long synapses, int taps, int profile, double radius, int windowed) {
    GRID_STRIDE(syn, synapses) {
        double mu = (double) positions[syn] + taps / 2, s = sigma ? (double) sigma[syn] : 0.0;
        int lo, hi;
        tap_window(profile, taps, mu, s, radius, windowed, lo, hi);
        double sum, sumP, sumS;
        tap_sums(profile, taps, mu, s, sum, sumP, sumS);
        double inv = 1 / (sum + DCLS_NORMALISATION_EPSILON), sw = 0, sp = 0, ss = 0;
        for (int k = lo; k <= hi; ++k) {                       // reference §10
            double g, gP, gS;
            tap_profile(profile, k, mu, s, g, gP, gS);
            double gk = (double) gradKernel[syn * taps + k];
            sw += gk * (g * inv);
            sp += gk * (gP * inv - g * sumP * inv * inv);
            ss += gk * (gS * inv - g * sumS * inv * inv);
        }
        double w = (double) weight[syn];
        if (gradWeight) gradWeight[syn] = (T) sw;
        if (gradPositions) gradPositions[syn] = (T) (w * sp);
        if (gradSigma) gradSigma[syn] = (T) (w * ss);
    }
}

// u[(t − t0) B + b, k Cin + i] = x[t + k − (D − 1), b, i] for output steps t0 .. t0 + rows − 1 (0 outside [0, steps)).
template <typename T>
__device__ void dcls_unfold(const T* x, T* u, long long count, int t0, int steps, int batch, int cin, int taps) {
    long long width = (long long) taps * cin;
    GRID_STRIDE(e, count) {
        long long row = e / width, col = e - row * width;
        int k = (int) (col / cin), i = (int) (col - (long long) k * cin);
        int t = t0 + (int) (row / batch), b = (int) (row % batch);
        int src = t + k - (taps - 1);
        u[e] = src >= 0 && src < steps ? x[((long long) src * batch + b) * cin + i] : (T) 0;
    }
}

// dx[s, b, i] += Σ_k du[(s − k + D − 1 − t0) B + b, k Cin + i] over the rows of this chunk (output
// steps t0 .. t0 + rows − 1), k in increasing order: the adjoint of dcls_unfold.
template <typename T>
__device__ void dcls_fold(const T* du, T* dx, long long count, int t0, int rows, int batch, int cin, int taps) {
    long long width = (long long) taps * cin;
    GRID_STRIDE(e, count) {
        int i = (int) (e % cin);
        long long sb = e / cin;
        int b = (int) (sb % batch), s = (int) (sb / batch);
        T acc = dx[e];
        for (int k = 0; k < taps; ++k) {
            int t = s - k + (taps - 1) - t0;
            if (t < 0 || t >= rows) continue;
            acc += du[((long long) t * batch + b) * width + (long long) k * cin + i];
        }
        dx[e] = acc;
    }
}

// The delay of synapse syn, checked against [0, D).
__device__ __forceinline__ bool delay_of(const int* delays, long long syn, int taps, int& d) {
    d = delays[syn];
    if (d < 0 || d >= taps) { report_error(ERROR_INDEX, d, taps, syn); return false; }
    return true;
}

// out[t, b, o] = Σ_i W[o, i] x[t − d[o, i], b, i], accumulated in double, t < outSteps.
template <typename T>
__device__ void dcls_integer_forward(const T* x, const T* weight, const int* delays, T* out, long long count, int steps, int batch, int cin, int cout,
                                     int taps) {
    GRID_STRIDE(e, count) {
        int o = (int) (e % cout);
        long long tb = e / cout;
        int b = (int) (tb % batch), t = (int) (tb / batch);
        double acc = 0;
        for (int i = 0; i < cin; ++i) {
            long long syn = (long long) o * cin + i;
            int d;
            if (!delay_of(delays, syn, taps, d)) break;
            int src = t - d;
            if (src >= 0 && src < steps) acc += (double) weight[syn] * (double) x[((long long) src * batch + b) * cin + i];
        }
        out[e] = (T) acc;
    }
}

// dx[s, b, i] = Σ_o W[o, i] dy[s + d[o, i], b, o] (s + d below outSteps).
template <typename T>
__device__ void dcls_integer_backward_input(const T* gradOut, const T* weight, const int* delays, T* gradX, long long count, int outSteps, int batch,
                                            int cin, int cout, int taps) {
    GRID_STRIDE(e, count) {
        int i = (int) (e % cin);
        long long sb = e / cin;
        int b = (int) (sb % batch), s = (int) (sb / batch);
        double acc = 0;
        for (int o = 0; o < cout; ++o) {
            long long syn = (long long) o * cin + i;
            int d;
            if (!delay_of(delays, syn, taps, d)) break;
            int t = s + d;
            if (t < outSteps) acc += (double) weight[syn] * (double) gradOut[((long long) t * batch + b) * cout + o];
        }
        gradX[e] = (T) acc;
    }
}

// dW[o, i] = Σ_{t, b} dy[t, b, o] x[t − d, b, i]: one block per synapse, block_sum in a fixed order.
template <typename T>
__device__ void dcls_integer_backward_weight(const T* gradOut, const T* x, const int* delays, T* gradWeight, long long synapses, int steps,
                                             int outSteps, int batch, int cin, int cout, int taps) {
    for (long long syn = blockIdx.x; syn < synapses; syn += gridDim.x) {
        int o = (int) (syn / cin), i = (int) (syn % cin);
        int d = delays[syn];
        bool ok = d >= 0 && d < taps;
        if (!ok && threadIdx.x == 0) report_error(ERROR_INDEX, d, taps, syn);
        double acc = 0;
        long long terms = (long long) steps * batch;          // input steps s = t − d in [0, steps), t = s + d below outSteps
        if (ok)
            for (long long j = threadIdx.x; j < terms; j += blockDim.x) {
                int s = (int) (j / batch), b = (int) (j % batch), t = s + d;
                if (t < outSteps) acc += (double) gradOut[((long long) t * batch + b) * cout + o] * (double) x[((long long) s * batch + b) * cin + i];
            }
        acc = block_sum(acc);
        if (threadIdx.x == 0) gradWeight[syn] = (T) acc;
        __syncthreads();
    }
}

// out[b, o] = Σ_i W[o, i] ring[(newest − d[o, i]) mod D, i, b].
template <typename T>
__device__ void dcls_integer_step(const T* ring, int newest, const T* weight, const int* delays, T* out, long long count, int batch, int cin,
                                  int cout, int taps) {
    GRID_STRIDE(e, count) {
        int o = (int) (e % cout), b = (int) (e / cout);
        double acc = 0;
        for (int i = 0; i < cin; ++i) {
            long long syn = (long long) o * cin + i;
            int d;
            if (!delay_of(delays, syn, taps, d)) break;
            int slot = ((newest - d) % taps + taps) % taps;
            acc += (double) weight[syn] * (double) ring[((long long) slot * cin + i) * batch + b];
        }
        out[e] = (T) acc;
    }
}

#define DCLS(name, T) \
    extern "C" __global__ void dcls_build_##name(const T* weight, const T* positions, const T* sigma, T* kernel, long long count, int taps, \
                                                 int profile, double radius, int windowed) { \
        dcls_build<T>(weight, positions, sigma, kernel, count, taps, profile, radius, windowed); } \
    extern "C" __global__ void dcls_kernel_backward_##name(const T* gradKernel, const T* weight, const T* positions, const T* sigma, \
                                                           T* gradWeight, T* gradPositions, T* gradSigma, long long synapses, int taps, \
                                                           int profile, double radius, int windowed) { \
        dcls_kernel_backward<T>(gradKernel, weight, positions, sigma, gradWeight, gradPositions, gradSigma, synapses, taps, profile, radius, \
                                windowed); } \
    extern "C" __global__ void dcls_unfold_##name(const T* x, T* u, long long count, int t0, int steps, int batch, int cin, int taps) { \
        dcls_unfold<T>(x, u, count, t0, steps, batch, cin, taps); } \
    extern "C" __global__ void dcls_fold_##name(const T* du, T* dx, long long count, int t0, int rows, int batch, int cin, int taps) { \
        dcls_fold<T>(du, dx, count, t0, rows, batch, cin, taps); } \
    extern "C" __global__ void dcls_integer_forward_##name(const T* x, const T* weight, const int* delays, T* out, long long count, int steps, \
                                                           int batch, int cin, int cout, int taps) { \
        dcls_integer_forward<T>(x, weight, delays, out, count, steps, batch, cin, cout, taps); } \
    extern "C" __global__ void dcls_integer_backward_input_##name(const T* gradOut, const T* weight, const int* delays, T* gradX, long long count, \
                                                                  int outSteps, int batch, int cin, int cout, int taps) { \
        dcls_integer_backward_input<T>(gradOut, weight, delays, gradX, count, outSteps, batch, cin, cout, taps); } \
    extern "C" __global__ void dcls_integer_backward_weight_##name(const T* gradOut, const T* x, const int* delays, T* gradWeight, \
                                                                   long long synapses, int steps, int outSteps, int batch, int cin, int cout, \
                                                                   int taps) { \
        dcls_integer_backward_weight<T>(gradOut, x, delays, gradWeight, synapses, steps, outSteps, batch, cin, cout, taps); } \
    extern "C" __global__ void dcls_integer_step_##name(const T* ring, int newest, const T* weight, const int* delays, T* out, long long count, \
                                                        int batch, int cin, int cout, int taps) { \
        dcls_integer_step<T>(ring, newest, weight, delays, out, count, batch, cin, cout, taps); }
DCLS(f32, float)
DCLS(f64, double)
