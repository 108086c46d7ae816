// Lets g++ compile the grid-stride kernels of src/main/cuda as ordinary host functions (one "thread"
// that walks every index: blockIdx 0, blockDim 1, gridDim 1), so that kernel_check.cpp can test their
// index arithmetic against naive loops on a machine without a GPU. Warp shuffles are not emulated:
// kernels that reduce over a block are checked with one thread per block (kernel_check.cpp defines
// block_sum as the identity for them), which tests their indexing but not the shuffles.
#pragma once
#include <cmath>
#include <math.h>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>
#include <algorithm>
using std::min; using std::max;
#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ static
#define __restrict__
struct Dim3 { unsigned x, y, z; };
static Dim3 blockIdx{0,0,0}, threadIdx{0,0,0}, blockDim{1,1,1}, gridDim{1,1,1};
inline unsigned __umulhi(unsigned a, unsigned b) { return (unsigned)(((unsigned long long)a*b)>>32); }
inline unsigned long long atomicCAS(unsigned long long* p, unsigned long long c, unsigned long long v) { unsigned long long o=*p; if(o==c)*p=v; return o; }
template<typename T> T __shfl_down_sync(unsigned, T, int) { return T(0); }
template<typename T> T __shfl_xor_sync(unsigned, T v, int) { return v; }   // never reached: one thread per row here
inline void __syncthreads() {}
struct float4 { float x, y, z, w; };
inline float4 make_float4(float x, float y, float z, float w) { return {x, y, z, w}; }
using std::isnan;
