// Galvani's own matrix products, used where no cuBLAS is found and as the reference the cuBLAS path
// is tested against. out[b] = a[b] x b[b] for a [B, M, K], b [B, K, N], out [B, M, N] contiguous.
//
// SGEMM: 128 x 128 output tiles, 8-deep K slices staged in shared memory (A transposed, so both
// tiles are read along M and N), 256 threads each holding an 8 x 8 block of the tile in registers
// (register blocking: 64 FMAs per 16 shared-memory reads), rows ty + 16 i and columns tx + 16 j so that
// a warp reads consecutive shared-memory banks and writes consecutive addresses. Each matrix has a unit stride along one
// of its last two dims (the host copies other layouts first); the template flags say which, so the
// loads from global memory are coalesced in either case. Edges are bounds-checked (zeros in the tile).
#include "common.cuh"

#define BM 128
#define BN 128
#define BK 8
#define TM 8
#define TN 8

// A_KMAJOR: a's unit stride is along K (a row-major [M, K]); otherwise along M.
// B_NMAJOR: b's unit stride is along N (a row-major [K, N]); otherwise along K.
template <bool A_KMAJOR, bool B_NMAJOR>
__device__ void sgemm_tiled(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ c, int M, int N, int K,
                            long long strideAB, int lda, long long strideBB, int ldb) {
    __shared__ float As[BK][BM + 4];      // padded: the transposed stores hit distinct banks
    __shared__ float Bs[BK][BN];
    const int batch = blockIdx.z;
    a += strideAB * batch;
    b += strideBB * batch;
    c += (long long) M * N * batch;
    const int m0 = blockIdx.y * BM, n0 = blockIdx.x * BN;
    const int tid = threadIdx.x, tx = tid % 16, ty = tid / 16;
    float acc[TM][TN];
    #pragma unroll
    for (int i = 0; i < TM; ++i)
        #pragma unroll
        for (int j = 0; j < TN; ++j) acc[i][j] = 0.0f;

    for (int k0 = 0; k0 < K; k0 += BK) {
        // A tile: 128 x 8 = 1024 elements, 4 per thread.
        #pragma unroll
        for (int q = 0; q < 4; ++q) {
            int e = tid + q * 256, mm, kk;
            if (A_KMAJOR) { mm = e / BK; kk = e % BK; } else { kk = e / BM; mm = e % BM; }
            int m = m0 + mm, k = k0 + kk;
            float v = 0.0f;
            if (m < M && k < K) v = A_KMAJOR ? a[(long long) m * lda + k] : a[(long long) k * lda + m];
            As[kk][mm] = v;
        }
        // B tile: 8 x 128.
        #pragma unroll
        for (int q = 0; q < 4; ++q) {
            int e = tid + q * 256, nn, kk;
            if (B_NMAJOR) { kk = e / BN; nn = e % BN; } else { nn = e / BK; kk = e % BK; }
            int n = n0 + nn, k = k0 + kk;
            float v = 0.0f;
            if (n < N && k < K) v = B_NMAJOR ? b[(long long) k * ldb + n] : b[(long long) n * ldb + k];
            Bs[kk][nn] = v;
        }
        __syncthreads();
        #pragma unroll
        for (int kk = 0; kk < BK; ++kk) {
            float ra[TM], rb[TN];
            #pragma unroll
            for (int i = 0; i < TM; ++i) ra[i] = As[kk][ty + 16 * i];
            #pragma unroll
            for (int j = 0; j < TN; ++j) rb[j] = Bs[kk][tx + 16 * j];
            #pragma unroll
            for (int i = 0; i < TM; ++i)
                #pragma unroll
                for (int j = 0; j < TN; ++j) acc[i][j] = fmaf(ra[i], rb[j], acc[i][j]);
        }
        __syncthreads();
    }
    #pragma unroll
    for (int i = 0; i < TM; ++i) {
        int m = m0 + ty + 16 * i;
        if (m >= M) continue;
        #pragma unroll
        for (int j = 0; j < TN; ++j) {
            int n = n0 + tx + 16 * j;
            if (n < N) c[(long long) m * N + n] = acc[i][j];
        }
    }
}

#define SGEMM(name, AK, BN_) \
    extern "C" __global__ void __launch_bounds__(256) sgemm_##name(const float* a, const float* b, float* c, int M, int N, int K, \
                                                                   long long strideAB, int lda, long long strideBB, int ldb) { \
        sgemm_tiled<AK, BN_>(a, b, c, M, N, K, strideAB, lda, strideBB, ldb); }
SGEMM(nn, true, true)
SGEMM(tn, false, true)
SGEMM(nt, true, false)
SGEMM(tt, false, false)

// F64: 16 x 16 tiles in shared memory, one output per thread, any strides.
extern "C" __global__ void dgemm_strided(const double* a, const double* b, double* c, int M, int N, int K, long long sab, long long sam,
                                         long long sak, long long sbb, long long sbk, long long sbn) {
    __shared__ double As[16][17];
    __shared__ double Bs[16][17];
    const int batch = blockIdx.z;
    a += sab * batch;
    b += sbb * batch;
    c += (long long) M * N * batch;
    int m = blockIdx.y * 16 + threadIdx.y, n = blockIdx.x * 16 + threadIdx.x;
    double acc = 0.0;
    for (int k0 = 0; k0 < K; k0 += 16) {
        int ka = k0 + threadIdx.x, kb = k0 + threadIdx.y;
        As[threadIdx.y][threadIdx.x] = m < M && ka < K ? a[m * sam + ka * sak] : 0.0;
        Bs[threadIdx.y][threadIdx.x] = n < N && kb < K ? b[kb * sbk + n * sbn] : 0.0;
        __syncthreads();
        #pragma unroll
        for (int k = 0; k < 16; ++k) acc = fma(As[threadIdx.y][k], Bs[k][threadIdx.x], acc);
        __syncthreads();
    }
    if (m < M && n < N) c[(long long) m * N + n] = acc;
}
