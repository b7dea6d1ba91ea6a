// kernel_table.h — what one instruction-set build of kernels.h exports to the dispatcher
// (defines: AdamWScalars, KernelTable, the per-ISA tables).
#pragma once

#include <cstdint>

namespace blur {

// AdamW's per-step scalars, computed once in double on the host and rounded to float once.
struct AdamWScalars {
  double cf, cr;  // u is formed in float64 (simd.h: direction)
  float decay;  // 1 − lr·wd
  float beta1, one_minus_beta1;
  float beta2, one_minus_beta2;
  float eps;
  float step_size;              // lr / (1 − β1^t)
  float sqrt_bias_correction2;  // √(1 − β2^t)
};

// One entry per dtype: [0] float32, [1] bfloat16. Pointers are already offset to the range.
struct KernelTable {
  const char* isa;
  void (*reduce_block[2])(const void* gf, const void* gr, int64_t n, double out[3]);
  void (*combine[2])(const void* gf, const void* gr, int64_t n, double cf, double cr, float* u);
  // theta_bf16 is ignored by sgd and adamw; the *_bf16copy twins also write it (the RNE of θ)
  using Sgd = void (*)(float* theta, uint16_t* theta_bf16, const void* gf, const void* gr, int64_t n,
                       double cf, double cr, float lr, float decay);
  using AdamW = void (*)(float* theta, uint16_t* theta_bf16, float* m, float* v, const void* gf,
                         const void* gr, int64_t n, const AdamWScalars& s);
  Sgd sgd[2];
  AdamW adamw[2];
  Sgd sgd_bf16copy[2];
  AdamW adamw_bf16copy[2];
};

namespace avx2 {
KernelTable table();
}
namespace portable {
KernelTable table();
}

}  // namespace blur
