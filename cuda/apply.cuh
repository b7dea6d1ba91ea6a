/*
 * apply.cuh — the elementwise kernel behind combine, apply_sgd and apply_adamw and their _bf16copy
 * twins (apex multi_tensor style: one harness, small functors). The harness forms
 * u = c_f·g_f + c_r·g_r in registers; the functor decides what u does to θ and the optimizer state,
 * and with Copy also writes θ's bfloat16 working copy. u itself is never stored unless the functor
 * is the combine one.
 */
#pragma once

#include "common.cuh"  // defines: for_each_pair, load_floats, store_floats, kThreads

// u ← c_f·g_f + c_r·g_r, for callers that bring their own optimizer.
struct CombineUpdate {
  float* u;

  template <int N>
  __device__ __forceinline__ void operator()(int64_t i, const float (&u_i)[N]) const {
    store_floats(u + i, u_i);
  }
};

// Writes the new θ at i: the float32 master, and with Copy also its bfloat16 working copy from
// the same registers (bf16 mixed precision), so θ is not read back in a second pass.
template <bool Copy, int N>
__device__ __forceinline__ void store_theta(float* theta, bf16* theta_bf16, int64_t i,
                                            const float (&t)[N]) {
  store_floats(theta + i, t);
  if constexpr (Copy) store_bf16s(theta_bf16 + i, t);
}

// θ ← θ·(1 − lr·wd) − lr·u: the paper's eq. 15 with decoupled weight decay.
template <bool Copy>
struct SgdUpdate {
  float* theta;
  bf16* theta_bf16;  // written only when Copy
  float lr;
  float decay;  // 1 − lr·wd, formed on the host in float64

  template <int N>
  __device__ __forceinline__ void operator()(int64_t i, const float (&u)[N]) const {
    float t[N];
    load_floats(t, theta + i);
#pragma unroll
    for (int k = 0; k < N; k++) t[k] = t[k] * decay - lr * u[k];
    store_theta<Copy>(theta, theta_bf16, i, t);
  }
};

// torch.optim.AdamW's single-tensor step, operation for operation, with u as the gradient. The
// scalars are formed on the host in float64 and rounded once, as torch does with Python floats.
template <bool Copy>
struct AdamwUpdate {
  float* theta;
  bf16* theta_bf16;  // written only when Copy
  float* m;  // first moment
  float* v;  // second moment
  float decay;      // 1 − lr·wd
  float beta1, one_minus_beta1;
  float beta2, one_minus_beta2;
  float step_size;  // lr / (1 − β1^t)
  float bc2_sqrt;   // √(1 − β2^t)
  float eps;

  template <int N>
  __device__ __forceinline__ void operator()(int64_t i, const float (&u)[N]) const {
    float t[N], mt[N], vt[N];  // θ, m, v at i
    load_floats(t, theta + i);
    load_floats(mt, m + i);
    load_floats(vt, v + i);
#pragma unroll
    for (int k = 0; k < N; k++) {
      t[k] *= decay;
      mt[k] = beta1 * mt[k] + one_minus_beta1 * u[k];
      vt[k] = beta2 * vt[k] + one_minus_beta2 * (u[k] * u[k]);
      const float denom = sqrtf(vt[k]) / bc2_sqrt + eps;
      t[k] -= step_size * (mt[k] / denom);
    }
    store_theta<Copy>(theta, theta_bf16, i, t);
    store_floats(m + i, mt);
    store_floats(v + i, vt);
  }
};

// Adapts an update functor to the harness: (g_f, g_r) values in, u = c_f·g_f + c_r·g_r out.
// u is formed in float64 and rounded to float32 once (blur.h), the same bits as libblur.so: c_f =
// γ − d/F must keep its low bits or ⟨g_f, u⟩ = γF holds only to 1e-7. Memory-bound, so the float64
// arithmetic is free on A100/H100.
template <typename Update>
struct Direction {
  double cf, cr;
  Update update;

  template <int N>
  __device__ __forceinline__ void operator()(int64_t i, const float (&a)[N], const float (&b)[N]) const {
    float u[N];
#pragma unroll
    for (int k = 0; k < N; k++) u[k] = float(__dadd_rn(__dmul_rn(cf, a[k]), __dmul_rn(cr, b[k])));
    update(i, u);
  }
};

// No __restrict__ on g_f, g_r: combine may write u over g_f or g_r (float32), which is safe because
// every element is read before its own index is written, by the same thread.
template <typename T, typename Update>
__global__ void __launch_bounds__(kThreads)
    apply_kernel(const T* gf, const T* gr, int64_t n, bool vectorized,
                 Direction<Update> direction) {
  for_each_pair(gf, gr, n, vectorized, direction);
}
