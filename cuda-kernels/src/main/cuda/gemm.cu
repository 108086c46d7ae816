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

// TF32 tensor-core SGEMM, an option (CudaBackend.allowTf32, like PyTorch's
// torch.backends.cuda.matmul.allow_tf32); the default stays the exact FP32 kernel above. The same
// 128 x 128 output tiles and 256 threads, but each of the 8 warps computes a 64 x 32 block with WMMA
// m16n16k8 TF32 fragments (4 x 2 accumulators of 16 x 16, accumulated in FP32; sm_80 and later, which
// is every architecture the fatbin is built for). K slices are 32 deep, staged in shared memory in the
// layout the operand has in global memory ([m][k] when a's unit stride is along K, else [k][m]; [k][n]
// or [n][k] for b), so the global loads stay coalesced and WMMA reads the tile as row- or column-major.
// Each element is rounded to TF32 (10-bit mantissa, to nearest) once, when staged. The next slice is
// fetched into registers while the tensor cores work on the current one. Edges: out-of-range elements
// of a slice are zeros, and accumulators at the matrix's edge (or not 32-byte aligned in it) go through
// shared memory to a bounds-checked store.
#include <mma.h>

#define TBK 32              // K depth of a staged slice
#define TPAD 4              // row padding: rows stay 16-byte aligned (WMMA's ldm) while shifting banks
#define TSLICE 16           // elements of each operand's slice one thread stages: 128 x 32 / 256

// The WMMA layout of a tile staged with its unit stride along the fragment's columns (row-major) or rows.
template <bool ROW_MAJOR> struct WmmaLayout { using type = nvcuda::wmma::row_major; };
template <> struct WmmaLayout<false> { using type = nvcuda::wmma::col_major; };

template <bool A_KMAJOR, bool B_NMAJOR>
__device__ void sgemm_tf32_tiled(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ c, int M, int N, int K,
                                 long long strideAB, int lda, long long strideBB, int ldb) {
    using namespace nvcuda;
    // Staged tiles: [rows][cols] with cols the operand's unit-stride dim, rows padded to LD floats.
    constexpr int A_COLS = A_KMAJOR ? TBK : BM, A_LD = A_COLS + TPAD, A_ROWS = A_KMAJOR ? BM : TBK;
    constexpr int B_COLS = B_NMAJOR ? BN : TBK, B_LD = B_COLS + TPAD, B_ROWS = B_NMAJOR ? TBK : BN;
    __shared__ __align__(32) float As[A_ROWS * A_LD];
    __shared__ __align__(32) float Bs[B_ROWS * B_LD];
    using ALayout = typename WmmaLayout<A_KMAJOR>::type;
    using BLayout = typename WmmaLayout<B_NMAJOR>::type;

    const int batch = blockIdx.z;
    a += strideAB * batch;
    b += strideBB * batch;
    c += (long long) M * N * batch;
    const int m0 = blockIdx.y * BM, n0 = blockIdx.x * BN;
    const int tid = threadIdx.x, warp = tid / 32, lane = tid % 32;
    const int wm = warp / 4, wn = warp % 4;             // warps as 2 x 4: rows wm * 64, columns wn * 32 of the tile

    wmma::fragment<wmma::accumulator, 16, 16, 8, float> acc[4][2];
    #pragma unroll
    for (int i = 0; i < 4; ++i)
        #pragma unroll
        for (int j = 0; j < 2; ++j) wmma::fill_fragment(acc[i][j], 0.0f);

    // One slice of each operand into registers: thread tid holds column tid % COLS of the staged
    // [rows][cols] tile in rows tid / COLS + q * 256 / COLS (256 is a multiple of either COLS).
    constexpr int A_STEP = 256 / A_COLS, B_STEP = 256 / B_COLS;
    const int ar = tid / A_COLS, ac = tid % A_COLS, br = tid / B_COLS, bc = tid % B_COLS;
    float pa[TSLICE], pb[TSLICE];
    auto fetch = [&](int k0) {
        #pragma unroll
        for (int q = 0; q < TSLICE; ++q) {
            int r = ar + q * A_STEP, m = m0 + (A_KMAJOR ? r : ac), k = k0 + (A_KMAJOR ? ac : r);
            pa[q] = m < M && k < K ? (A_KMAJOR ? a[(long long) m * lda + k] : a[(long long) k * lda + m]) : 0.0f;
        }
        #pragma unroll
        for (int q = 0; q < TSLICE; ++q) {
            int r = br + q * B_STEP, k = k0 + (B_NMAJOR ? r : bc), n = n0 + (B_NMAJOR ? bc : r);
            pb[q] = n < N && k < K ? (B_NMAJOR ? b[(long long) k * ldb + n] : b[(long long) n * ldb + k]) : 0.0f;
        }
    };

    fetch(0);
    for (int k0 = 0; k0 < K; k0 += TBK) {
        #pragma unroll
        for (int q = 0; q < TSLICE; ++q) {
            As[(ar + q * A_STEP) * A_LD + ac] = wmma::__float_to_tf32(pa[q]);
            Bs[(br + q * B_STEP) * B_LD + bc] = wmma::__float_to_tf32(pb[q]);
        }
        __syncthreads();
        if (k0 + TBK < K) fetch(k0 + TBK);              // in flight while the tensor cores work
        #pragma unroll
        for (int kk = 0; kk < TBK; kk += 8) {
            wmma::fragment<wmma::matrix_a, 16, 16, 8, wmma::precision::tf32, ALayout> fa[4];
            wmma::fragment<wmma::matrix_b, 16, 16, 8, wmma::precision::tf32, BLayout> fb[2];
            #pragma unroll
            for (int i = 0; i < 4; ++i) {
                int row = wm * 64 + i * 16;             // element (m, k) at As[m * A_LD + k] or As[k * A_LD + m]
                wmma::load_matrix_sync(fa[i], As + (A_KMAJOR ? row * A_LD + kk : kk * A_LD + row), A_LD);
            }
            #pragma unroll
            for (int j = 0; j < 2; ++j) {
                int col = wn * 32 + j * 16;             // element (k, n) at Bs[k * B_LD + n] or Bs[n * B_LD + k]
                wmma::load_matrix_sync(fb[j], Bs + (B_NMAJOR ? kk * B_LD + col : col * B_LD + kk), B_LD);
            }
            #pragma unroll
            for (int i = 0; i < 4; ++i)
                #pragma unroll
                for (int j = 0; j < 2; ++j) wmma::mma_sync(acc[i][j], fa[i], fb[j], acc[i][j]);
        }
        __syncthreads();
    }

    // The staged A tile is free now: each warp gets 16 x 16 floats of it for its edge fragments.
    float* edge = As + warp * 256;
    #pragma unroll
    for (int i = 0; i < 4; ++i)
        #pragma unroll
        for (int j = 0; j < 2; ++j) {
            int row = m0 + wm * 64 + i * 16, col = n0 + wn * 32 + j * 16;    // the same for the whole warp
            if (row >= M || col >= N) continue;
            float* dst = c + (long long) row * N + col;
            bool whole = row + 16 <= M && col + 16 <= N && N % 4 == 0 && ((unsigned long long) dst & 31) == 0;
            if (whole) {
                wmma::store_matrix_sync(dst, acc[i][j], N, wmma::mem_row_major);
            } else {
                wmma::store_matrix_sync(edge, acc[i][j], 16, wmma::mem_row_major);
                __syncwarp();
                for (int e = lane; e < 256; e += 32) {
                    int r = e / 16, q = e % 16;
                    if (row + r < M && col + q < N) dst[(long long) r * N + q] = edge[e];
                }
                __syncwarp();
            }
        }
}

#define TENSOR_CORE_SGEMM(name, AK, BN_) \
    extern "C" __global__ void __launch_bounds__(256) sgemm_tf32_##name(const float* a, const float* b, float* c, int M, int N, int K, \
                                                                        long long strideAB, int lda, long long strideBB, int ldb) { \
        sgemm_tf32_tiled<AK, BN_>(a, b, c, M, N, K, strideAB, lda, strideBB, ldb); }
TENSOR_CORE_SGEMM(nn, true, true)
TENSOR_CORE_SGEMM(tn, false, true)
TENSOR_CORE_SGEMM(nt, true, false)
TENSOR_CORE_SGEMM(tt, false, false)
