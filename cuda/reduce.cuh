/*
 * reduce.cuh — (d, F, R) = (<g_f,g_r>, ||g_f||², ||g_r||²) in two deterministic stages:
 *   reduce_kernel           every thread sums its grid-stride share in float64, each block
 *                           folds its threads in a fixed tree → one partial per block;
 *   reduce_partials_kernel  one block folds the partials in a fixed order → 3 doubles.
 * No atomics anywhere, so for a given device and n the bits are the same on every run.
 */
#pragma once

#include "common.cuh"  // defines: for_each_pair, kThreads

// Sum over the warp by a butterfly: a fixed pattern, so a fixed rounding.
__device__ __forceinline__ double warp_sum(double x) {
#pragma unroll
  for (int offset = 16; offset > 0; offset >>= 1) x += __shfl_xor_sync(0xffffffffu, x, offset);
  return x;
}

// Sums each of a, b, c over the block (blockDim.x a multiple of 32); the totals land in warp 0.
__device__ __forceinline__ void block_sum3(double& a, double& b, double& c) {
  __shared__ double warp_totals[3][32];
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32, warps = blockDim.x / 32;
  a = warp_sum(a), b = warp_sum(b), c = warp_sum(c);
  if (lane == 0) warp_totals[0][warp] = a, warp_totals[1][warp] = b, warp_totals[2][warp] = c;
  __syncthreads();
  if (warp == 0) {
    a = warp_sum(lane < warps ? warp_totals[0][lane] : 0.0);
    b = warp_sum(lane < warps ? warp_totals[1][lane] : 0.0);
    c = warp_sum(lane < warps ? warp_totals[2][lane] : 0.0);
  }
}

// Per-thread accumulator. The product of two float32 (24-bit significands) fits a float64 (53
// bits) exactly, so each term is exact and only the additions round; and F, R cannot overflow for
// finite inputs (FLT_MAX² · 2^63 < DBL_MAX), so a non-finite sum means a non-finite element.
struct SumsVisitor {
  double dot = 0.0, ff = 0.0, rr = 0.0;

  template <int N>
  __device__ __forceinline__ void operator()(int64_t, const float (&a)[N], const float (&b)[N]) {
#pragma unroll
    for (int k = 0; k < N; k++) {
      const double x = a[k], y = b[k];
      dot += x * y, ff += x * x, rr += y * y;
    }
  }
};

// partials: (3, gridDim.x) — row 0 the block sums of d, row 1 of F, row 2 of R.
template <typename T>
__global__ void __launch_bounds__(kThreads)
    reduce_kernel(const T* __restrict__ gf, const T* __restrict__ gr, int64_t n, bool vectorized,
                  double* __restrict__ partials) {
  SumsVisitor sums;
  for_each_pair(gf, gr, n, vectorized, sums);
  block_sum3(sums.dot, sums.ff, sums.rr);
  if (threadIdx.x == 0) {
    partials[blockIdx.x] = sums.dot;
    partials[gridDim.x + blockIdx.x] = sums.ff;
    partials[2 * gridDim.x + blockIdx.x] = sums.rr;
  }
}

// One block: thread t adds partials t, t + kThreads, ... in block order, then the fixed tree.
// partials: (3, blocks) as reduce_kernel wrote them; out: (3) = d, F, R.
__global__ void __launch_bounds__(kThreads)
    reduce_partials_kernel(const double* __restrict__ partials, int blocks,
                           double* __restrict__ out) {
  double dot = 0.0, ff = 0.0, rr = 0.0;
  for (int b = threadIdx.x; b < blocks; b += blockDim.x) {
    dot += partials[b], ff += partials[blocks + b], rr += partials[2 * blocks + b];
  }
  block_sum3(dot, ff, rr);
  if (threadIdx.x == 0) out[0] = dot, out[1] = ff, out[2] = rr;
}
