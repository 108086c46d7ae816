// The fused multi-step LIF (SNN reference §2-§3; the CPU twin is dev.galvani.tensor.cpu.LifKernels and
// the contract is dev.galvani.tensor.backend.SpikingKernels): one thread per neuron loops over T with
// its membrane in a register; at each step the threads of a warp touch consecutive neurons, so every
// [T, N] array is read or written once, coalesced. The arithmetic is the CPU kernel's, operation for
// operation (compiled without FMA contraction), so forward spikes and membranes equal the CPU's bit for
// bit; the backward pass agrees within float rounding (the surrogates' exponentials differ by ulps).
// PLIF's dL/dk is summed per thread in double, per block in a fixed order, then over blocks in order.
#include "common.cuh"
#include <math.h>

#define PI_D 3.141592653589793

enum SurrogateCode { S_ATAN, S_SIGMOID, S_FAST_SIGMOID, S_PIECEWISE_QUADRATIC, S_TRIANGLE, S_ERF, S_PIECEWISE_EXP, S_SOFT_SIGN };

struct LifParams {
    int lif;             // 0: IF, 1: LIF
    int decayInput;      // H = V + (X - (V - V_r)) k, else V - (V - V_r) k + X
    int hard;            // hard reset to vReset, else subtract vth
    int detachReset;     // the reset's S[t] is a constant in backward
    int detachTemporal;  // SLTT: no path from V[t-1] to H[t] in backward
    int surrogate;       // SurrogateCode
    double decay;        // k when no decay tensor is given
    double vth, vReset, restingValue, alpha;
};

// σ'(x) in float with SurrogateLanes' folded constants and order of operations.
__device__ __forceinline__ float surrogate_f32(int kind, double alpha, float x) {
    float a = (float) alpha;
    switch (kind) {
        case S_ATAN: { float half = a / 2, u = x * (float) (PI_D * alpha / 2); return half / (u * u + 1.0f); }
        case S_SIGMOID: { float s = 1.0f / (expf(x * -a) + 1.0f); return s * a * (-s + 1.0f); }
        case S_FAST_SIGMOID: { float d = fabsf(x) * a + 1.0f; return 1.0f / (d * d); }
        case S_PIECEWISE_QUADRATIC: { float ax = fabsf(x); return ax > 1 / a ? 0.0f : ax * (-a * a) + a; }
        case S_TRIANGLE: return fmaxf(-fabsf(x) + 1.0f, 0.0f) * a;
        case S_ERF: return expf(x * x * (-a * a)) * (float) (alpha / sqrt(PI_D));
        case S_PIECEWISE_EXP: return expf(fabsf(x) * -a) * (a / 2);
        default: { float d = fabsf(x * a) + 1.0f; return (a / 2) / (d * d); }
    }
}

// σ'(x) in double, Surrogate.derivative's formulas.
__device__ __forceinline__ double surrogate_f64(int kind, double a, double x) {
    switch (kind) {
        case S_ATAN: { double u = PI_D * a * x / 2; return a / (2 * (1 + u * u)); }
        case S_SIGMOID: { double s = 1 / (1 + exp(-a * x)); return a * s * (1 - s); }
        case S_FAST_SIGMOID: { double d = 1 + a * fabs(x); return 1 / (d * d); }
        case S_PIECEWISE_QUADRATIC: return fabs(x) <= 1 / a ? a - a * a * fabs(x) : 0;
        case S_TRIANGLE: return a * fmax(0.0, 1 - fabs(x));
        case S_ERF: return a / sqrt(PI_D) * exp(-a * a * x * x);
        case S_PIECEWISE_EXP: return a / 2 * exp(-a * fabs(x));
        default: { double d = 1 + fabs(a * x); return a / (2 * d * d); }
    }
}

template <typename T> __device__ __forceinline__ double decay_of(const T* decay, const LifParams& p) { return decay ? (double) decay[0] : p.decay; }

extern "C" __global__ void lif_forward_f32(const float* __restrict__ x, const float* __restrict__ v0, const float* __restrict__ decay,
                                           float* __restrict__ s, float* __restrict__ h, float* __restrict__ vSeq, float* __restrict__ vLast,
                                           int T, int N, LifParams p) {
    const float k = (float) decay_of(decay, p), vth = (float) p.vth, vr = (float) p.restingValue;
    const float hardF = p.hard ? 1.0f : 0.0f, resetTo = p.hard ? (float) p.vReset : (float) -p.vth;
    GRID_STRIDE(n, N) {
        float v = v0[n];
        for (int t = 0; t < T; ++t) {
            long long e = (long long) t * N + n;
            float xi = x[e], hv;
            if (!p.lif) hv = v + xi;
            else if (p.decayInput) hv = v + (xi - (v - vr)) * k;
            else hv = v - (v - vr) * k + xi;
            float si = hv >= vth ? 1.0f : 0.0f;
            v = hv * (-(si * hardF) + 1.0f) + si * resetTo;
            h[e] = hv;
            s[e] = si;
            if (vSeq) vSeq[e] = v;
        }
        vLast[n] = v;
    }
}

extern "C" __global__ void lif_forward_f64(const double* __restrict__ x, const double* __restrict__ v0, const double* __restrict__ decay,
                                           double* __restrict__ s, double* __restrict__ h, double* __restrict__ vSeq, double* __restrict__ vLast,
                                           int T, int N, LifParams p) {
    const double k = decay_of(decay, p), vth = p.vth, vr = p.restingValue, vReset = p.hard ? p.vReset : 0.0;
    GRID_STRIDE(n, N) {
        double v = v0[n];
        for (int t = 0; t < T; ++t) {
            long long e = (long long) t * N + n;
            double xi = x[e], hv;
            if (!p.lif) hv = v + xi;
            else if (p.decayInput) hv = v + (xi - (v - vr)) * k;
            else hv = v - (v - vr) * k + xi;
            double si = hv >= vth ? 1.0 : 0.0;
            v = p.hard ? hv * (1 - si) + vReset * si : hv - vth * si;
            h[e] = hv;
            s[e] = si;
            if (vSeq) vSeq[e] = v;
        }
        vLast[n] = v;
    }
}

// The reverse recurrence of §3.4 (see LifKernels.backwardF32 for the derivation of each line).
// partials: one double per block, PLIF's dL/dk of the block's neurons (null when not wanted).
extern "C" __global__ void lif_backward_f32(const float* __restrict__ gs, const float* __restrict__ gvs, const float* __restrict__ gvl,
                                            const float* __restrict__ h, const float* __restrict__ vSeq, const float* __restrict__ v0,
                                            const float* __restrict__ decay, float* __restrict__ gx, float* __restrict__ gv0,
                                            double* __restrict__ partials, int T, int N, LifParams p) {
    const double kd = decay_of(decay, p);
    const float k = (float) kd, vth = (float) p.vth, vr = (float) p.restingValue, vReset = p.hard ? (float) p.vReset : 0.0f;
    const float hardF = p.hard ? 1.0f : 0.0f, softF = p.hard ? 0.0f : 1.0f, keepF = p.detachReset ? 0.0f : 1.0f;
    const float alphaV = p.detachTemporal ? 0.0f : (float) (p.lif ? 1 - kd : 1.0), c0 = (float) (p.lif && p.decayInput ? kd : 1.0);
    double dk = 0.0;
    GRID_STRIDE(n, N) {
        float c = gvl ? gvl[n] : 0.0f;
        for (int t = T - 1; t >= 0; --t) {
            long long e = (long long) t * N + n;
            if (gvs) c += gvs[e];
            float hv = h[e], sg = surrogate_f32(p.surrogate, p.alpha, hv - vth), si = hv >= vth ? 1.0f : 0.0f;
            float resetPath = (-hv + vReset) * hardF + softF * -vth;
            float dvdh = (-(si * hardF) + 1.0f) + sg * keepF * resetPath;
            float g = gs[e] * sg + c * dvdh;
            gx[e] = g * c0;
            c = g * alphaV;
            if (partials && p.lif) {
                float prev = t == 0 ? v0[n] : vSeq[e - N];
                dk += (double) (g * (p.decayInput ? (hv - prev) / k : -prev + vr));
            }
        }
        gv0[n] = c;
    }
    if (partials) {
        double sum = block_sum(dk);
        if (threadIdx.x == 0) partials[blockIdx.x] = sum;
    }
}

extern "C" __global__ void lif_backward_f64(const double* __restrict__ gs, const double* __restrict__ gvs, const double* __restrict__ gvl,
                                            const double* __restrict__ h, const double* __restrict__ vSeq, const double* __restrict__ v0,
                                            const double* __restrict__ decay, double* __restrict__ gx, double* __restrict__ gv0,
                                            double* __restrict__ partials, int T, int N, LifParams p) {
    const double k = decay_of(decay, p), vth = p.vth, vr = p.restingValue, vReset = p.hard ? p.vReset : 0.0;
    const double alphaV = p.detachTemporal ? 0.0 : (p.lif ? 1 - k : 1.0), c0 = p.lif && p.decayInput ? k : 1.0;
    const bool keep = !p.detachReset;
    double dk = 0.0;
    GRID_STRIDE(n, N) {
        double g = 0.0;
        for (int t = T - 1; t >= 0; --t) {
            long long e = (long long) t * N + n;
            double hv = h[e], sg = surrogate_f64(p.surrogate, p.alpha, hv - vth), si = hv >= vth ? 1.0 : 0.0;
            double dvdh = p.hard ? (1 - si) + (keep ? (vReset - hv) * sg : 0.0) : 1 - (keep ? vth * sg : 0.0);
            double gv = gvs ? gvs[e] : 0.0;
            if (t == T - 1 && gvl) gv += gvl[n];
            double gh = gs[e] * sg + (gv + alphaV * g) * dvdh;
            gx[e] = c0 * gh;
            g = gh;
            if (partials && p.lif) {
                double prev = t == 0 ? v0[n] : vSeq[e - N];
                dk += gh * (p.decayInput ? (hv - prev) / k : vr - prev);
            }
        }
        gv0[n] = alphaV * g;
    }
    if (partials) {
        double sum = block_sum(dk);
        if (threadIdx.x == 0) partials[blockIdx.x] = sum;
    }
}

// dL/dk: the blocks' partial sums added in a fixed order by one block, written in the decay's dtype.
#define DECAY_SUM(name, T) \
    extern "C" __global__ void lif_decay_sum_##name(const double* __restrict__ partials, int count, T* __restrict__ out) { \
        double s = 0.0; \
        for (int i = threadIdx.x; i < count; i += blockDim.x) s += partials[i]; \
        s = block_sum(s); \
        if (threadIdx.x == 0) out[0] = (T) s; }
DECAY_SUM(f32, float)
DECAY_SUM(f64, double)
