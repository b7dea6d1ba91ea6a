/*
 * common.cuh — what every kernel and launcher of libblur_cuda.so shares: error reporting, the two
 * gradient dtypes, 16-byte packs, and the one grid-stride loop that both kernels are built on.
 */
#pragma once

#include <cstdarg>            // defines: va_list, for fail()
#include <cstdint>            // defines: int64_t, uint16_t, uintptr_t
#include <cstdio>             // defines: vsnprintf
#include <cstring>            // defines: memcpy (bit casts that compile to register moves)
#include <cuda_runtime.h>     // defines: cudaError_t, int4, float4
#include "blur.h"             // defines: blur_status, blur_dtype

// ----------------------------------------------------------------------------------------------
// errors: a status code for the caller, one sentence for the human, never an abort

// The last failure on this thread, as blur_cuda_last_error() returns it.
static thread_local char g_last_error[512] = "no error";

static int fail(int status, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(int status, const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  vsnprintf(g_last_error, sizeof(g_last_error), fmt, args);
  va_end(args);
  return status;
}

static int cuda_fail(cudaError_t err, const char* call, const char* file, int line) {
  // Clear the error if it is not sticky, so this failure does not leak into the caller's next
  // CUDA call; a sticky one (illegal address) has poisoned the context for everyone anyway.
  cudaGetLastError();
  if (err == cudaErrorNoDevice || err == cudaErrorInsufficientDriver) {
    return fail(BLUR_ERR_DEVICE,
                "no usable GPU (%s) at %s:%d in %s; is there an NVIDIA GPU with a driver "
                "that supports CUDA %d.%d?",
                cudaGetErrorString(err), file, line, call, CUDART_VERSION / 1000,
                CUDART_VERSION % 1000 / 10);
  }
  return fail(BLUR_ERR_DEVICE, "%s at %s:%d in %s", cudaGetErrorString(err), file, line, call);
}

// Every CUDA call goes through this: the failure becomes BLUR_ERR_DEVICE naming file:line, because
// the process that called us (a JVM, a Python trainer) must survive to report it.
#define CUDA_CHECK(call)                                                          \
  do {                                                                            \
    const cudaError_t err_ = (call);                                              \
    if (err_ != cudaSuccess) return cuda_fail(err_, #call, __FILE__, __LINE__);   \
  } while (0)

// Propagates a non-OK status from a helper that already wrote the message.
#define BLUR_TRY(expr)                        \
  do {                                        \
    const int status_ = (expr);               \
    if (status_ != BLUR_OK) return status_;   \
  } while (0)

// ----------------------------------------------------------------------------------------------
// element types

// bfloat16 as stored: the upper 16 bits of a float32, so widening is exact and costs one shift.
struct bf16 {
  uint16_t bits;
};

__device__ __forceinline__ float to_float(float x) { return x; }
__device__ __forceinline__ float to_float(bf16 x) {
  return __uint_as_float(uint32_t(x.bits) << 16);
}

// 16 bytes of T, moved with one 128-bit load: 4 float32 or 8 bfloat16.
template <typename T>
struct alignas(16) Pack {
  static constexpr int size = 16 / sizeof(T);
  T v[size];
};

template <typename T>
__device__ __forceinline__ Pack<T> load_pack(const T* p) {
  const int4 bits = *reinterpret_cast<const int4*>(p);
  Pack<T> out;
  memcpy(&out, &bits, sizeof(out));
  return out;
}

// N consecutive float32 from/to p: float4 accesses when N is a multiple of 4 (the caller
// guarantees 16-byte alignment then), plain ones otherwise (the tail, N = 1).
template <int N>
__device__ __forceinline__ void load_floats(float (&r)[N], const float* p) {
  if constexpr (N % 4 == 0) {
#pragma unroll
    for (int j = 0; j < N / 4; j++) {
      const float4 q = reinterpret_cast<const float4*>(p)[j];
      r[4 * j] = q.x, r[4 * j + 1] = q.y, r[4 * j + 2] = q.z, r[4 * j + 3] = q.w;
    }
  } else {
#pragma unroll
    for (int k = 0; k < N; k++) r[k] = p[k];
  }
}

template <int N>
__device__ __forceinline__ void store_floats(float* p, const float (&r)[N]) {
  if constexpr (N % 4 == 0) {
#pragma unroll
    for (int j = 0; j < N / 4; j++) {
      reinterpret_cast<float4*>(p)[j] =
          make_float4(r[4 * j], r[4 * j + 1], r[4 * j + 2], r[4 * j + 3]);
    }
  } else {
#pragma unroll
    for (int k = 0; k < N; k++) p[k] = r[k];
  }
}

// float32 → bfloat16 rounded to nearest, ties to even, bit for bit as libblur.so and
// c10::BFloat16 round: NaN becomes the quiet NaN 0x7FC0 (__float2bfloat16_rn would give 0x7FFF,
// and the two libraries must agree), values past bfloat16's range carry into ±Inf.
__device__ __forceinline__ uint16_t bf16_rne(float x) {
  if (isnan(x)) return 0x7FC0;
  const uint32_t bits = __float_as_uint(x);
  return uint16_t((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
}

// N float32 from r stored at p as bfloat16: 8-byte stores when N is a multiple of 4 (the caller
// guarantees p is then 8-byte aligned), plain ones otherwise (the tail, N = 1).
template <int N>
__device__ __forceinline__ void store_bf16s(bf16* p, const float (&r)[N]) {
  if constexpr (N % 4 == 0) {
#pragma unroll
    for (int j = 0; j < N / 4; j++) {
      const uint32_t lo = bf16_rne(r[4 * j]) | uint32_t(bf16_rne(r[4 * j + 1])) << 16;
      const uint32_t hi = bf16_rne(r[4 * j + 2]) | uint32_t(bf16_rne(r[4 * j + 3])) << 16;
      reinterpret_cast<uint2*>(p)[j] = make_uint2(lo, hi);
    }
  } else {
#pragma unroll
    for (int k = 0; k < N; k++) p[k].bits = bf16_rne(r[k]);
  }
}

static inline bool aligned16(const void* p) { return (reinterpret_cast<uintptr_t>(p) & 15) == 0; }

// ----------------------------------------------------------------------------------------------
// the harness: one grid-stride loop over (g_f, g_r), shared by the reduce and the apply kernels

constexpr int kThreads = 256;  // threads per block for every kernel

// Hands visit(i, a, b) the float32 values a = g_f[i, i+N), b = g_r[i, i+N). With `vectorized`
// (every buffer the kernel touches is 16-byte aligned) N is one Pack<T>, else 1; the last n % N
// elements always go one at a time. Thread t of the grid sees the same indices on every run, which is what
// makes the reduction deterministic for a given grid.
template <typename T, typename Visit>
__device__ __forceinline__ void for_each_pair(const T* gf, const T* gr, int64_t n, bool vectorized,
                                              Visit& visit) {
  const int64_t tid = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  const int64_t stride = int64_t(gridDim.x) * blockDim.x;
  int64_t done = 0;
  if (vectorized) {
    constexpr int N = Pack<T>::size;
    const int64_t packs = n / N;
    for (int64_t p = tid; p < packs; p += stride) {
      const Pack<T> pf = load_pack(gf + p * N), pr = load_pack(gr + p * N);
      float a[N], b[N];
#pragma unroll
      for (int k = 0; k < N; k++) a[k] = to_float(pf.v[k]), b[k] = to_float(pr.v[k]);
      visit(p * N, a, b);
    }
    done = packs * N;
  }
  for (int64_t i = done + tid; i < n; i += stride) {
    const float a[1] = {to_float(gf[i])}, b[1] = {to_float(gr[i])};
    visit(i, a, b);
  }
}
