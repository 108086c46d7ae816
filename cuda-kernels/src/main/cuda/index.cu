// Indexing: gather (and index_select, which is a gather whose index has zero strides everywhere but
// along `dim`) and scatter_add. Every index is checked against the size of the dimension it
// addresses; one out of range is reported through the error slot (thrown at the next
// synchronisation) and its element is left unwritten.
//
// scatter_add without atomics: one thread owns one line along `dim` (all target elements that share
// the other coordinates) and adds that line's sources in index order. Two lines never touch the same
// target element, so no two threads race, and each element receives its additions in exactly the
// order of the CPU's sequential loop (IndexKernels.scatterAdd): the result is the CPU's, bit for bit,
// and does not depend on timing. With few lines (a scatter along the only dimension of a vector
// would be one thread doing the whole loop) scatter_add_scan takes one thread per target element
// instead, which scans its line's indices in order and adds the sources that hit it: the same
// order again, more parallel, at the cost of reading each index once per target element.
#include "common.cuh"

template <typename T>
__device__ void gather_kernel(const T* x, const long long* index, T* out, Shape shape, Strided sx, Strided si, Strided so,
                              long long n, int step, int size, int dim) {
    GRID_STRIDE(i, n) {
        long long ox, oi, oo;
        offsets3(i, shape, sx, si, so, ox, oi, oo);
        long long j = index[oi];
        if (j < 0 || j >= size) { report_error(ERROR_INDEX, j, size, dim); continue; }
        out[oo] = x[ox + j * step];
    }
}

// target += src in the CPU's arithmetic: wrapping integers, "or" for BOOL.
template <typename T> __device__ __forceinline__ T scatter_sum(T a, T b) { return a + b; }
template <> __device__ __forceinline__ int scatter_sum<int>(int a, int b) { return (int) ((unsigned int) a + (unsigned int) b); }
template <> __device__ __forceinline__ long long scatter_sum<long long>(long long a, long long b) {
    return (long long) ((unsigned long long) a + (unsigned long long) b);
}
template <> __device__ __forceinline__ gbool scatter_sum<gbool>(gbool a, gbool b) { return (gbool) (a | b); }

template <typename T>
__device__ void scatter_add_kernel(T* target, const long long* index, const T* src, Shape lines, Strided st, Strided si, Strided ss,
                                   long long count, int k, int indexStep, int srcStep, int targetStep, int size, int dim) {
    GRID_STRIDE(line, count) {
        long long ot, oi, os;
        offsets3(line, lines, st, si, ss, ot, oi, os);
        for (int j = 0; j < k; ++j) {
            long long at = index[oi + (long long) j * indexStep];
            if (at < 0 || at >= size) { report_error(ERROR_INDEX, at, size, dim); break; }
            T* t = target + ot + at * targetStep;
            *t = scatter_sum<T>(*t, src[os + (long long) j * srcStep]);
        }
    }
}

template <typename T>
__device__ void scatter_add_scan_kernel(T* target, const long long* index, const T* src, Shape lines, Strided st, Strided si, Strided ss,
                                        long long count, int k, int indexStep, int srcStep, int targetStep, int size, int dim) {
    GRID_STRIDE(e, count) {
        long long line = e / size;
        int j = (int) (e - line * size);
        long long ot, oi, os;
        offsets3(line, lines, st, si, ss, ot, oi, os);
        T* t = target + ot + (long long) j * targetStep;
        T acc = *t;
        for (int m = 0; m < k; ++m) {
            long long at = index[oi + (long long) m * indexStep];
            if (at < 0 || at >= size) { report_error(ERROR_INDEX, at, size, dim); break; }
            if (at == j) acc = scatter_sum<T>(acc, src[os + (long long) m * srcStep]);
        }
        *t = acc;
    }
}

#define INDEXING(name, T) \
    extern "C" __global__ void gather_##name(const T* x, const long long* index, T* out, Shape shape, Strided sx, Strided si, Strided so, \
                                             long long n, int step, int size, int dim) { \
        gather_kernel<T>(x, index, out, shape, sx, si, so, n, step, size, dim); } \
    extern "C" __global__ void scatter_add_##name(T* target, const long long* index, const T* src, Shape lines, Strided st, Strided si, \
                                                  Strided ss, long long count, int k, int indexStep, int srcStep, int targetStep, int size, int dim) { \
        scatter_add_kernel<T>(target, index, src, lines, st, si, ss, count, k, indexStep, srcStep, targetStep, size, dim); } \
    extern "C" __global__ void scatter_add_scan_##name(T* target, const long long* index, const T* src, Shape lines, Strided st, Strided si, \
                                                       Strided ss, long long count, int k, int indexStep, int srcStep, int targetStep, int size, \
                                                       int dim) { \
        scatter_add_scan_kernel<T>(target, index, src, lines, st, si, ss, count, k, indexStep, srcStep, targetStep, size, dim); }
INDEXING(f32, float)
INDEXING(f64, double)
INDEXING(i32, int)
INDEXING(i64, long long)
INDEXING(bool, gbool)
