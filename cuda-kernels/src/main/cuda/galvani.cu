// The one translation unit nvcc compiles into galvani.fatbin: every kernel family of Galvani's CUDA
// backend, so that the runtime loads a single module (and one copy of the error slot) once.
#include "elementwise.cu"
#include "reduce.cu"
#include "random.cu"
#include "gemm.cu"
#include "lif.cu"
#include "index.cu"
#include "pool.cu"
#include "norm.cu"
#include "optim.cu"
#include "conv.cu"
#include "fft.cu"
#include "delay.cu"
