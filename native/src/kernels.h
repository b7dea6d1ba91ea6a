// kernels.h — the reduce and apply kernels, written once over F8 and compiled once per instruction
// set (isa_avx2.cpp, isa_portable.cpp), each build exporting a KernelTable (defines: make_table).
// The applies with and without θ's bf16 working copy are one functor each, Copy a template switch.
//
// The caller (blur_cpu.cpp) validates arguments and cuts the vector into ranges for the threads;
// everything here works on one range and trusts its inputs.
#pragma once

#include "kernel_table.h"
#include "simd.h"

namespace blur {
namespace BLUR_ISA_NAMESPACE {

// ---- reduce: (d, F, R) over one block, in a fixed lane order --------------------------------

// Lanes are added pairwise in a fixed tree, so the block's sum has one defined rounding.
inline double sum_lanes(const double l[8]) {
  return ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]));
}

// Element i of the block always lands in lane i mod 8, vector body and scalar tail alike, so
// the result is independent of instruction set and of how blocks are spread over threads.
template <class T>
void reduce_block(const void* gf_, const void* gr_, int64_t n, double out[3]) {
  const T* gf = static_cast<const T*>(gf_);
  const T* gr = static_cast<const T*>(gr_);
  D8 d = D8::zero(), f = D8::zero(), r = D8::zero();
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    F8 a = F8::load(gf + i), b = F8::load(gr + i);
    d.add_products(a, b);
    f.add_products(a, a);
    r.add_products(b, b);
  }
  double ld[8], lf[8], lr[8];
  d.lanes(ld);
  f.lanes(lf);
  r.lanes(lr);
  for (int lane = 0; i < n; ++i, ++lane) {  // i is a multiple of 8 here, so i ≡ lane (mod 8)
    double a = load1(gf + i), b = load1(gr + i);
    ld[lane] += a * b;
    lf[lane] += a * a;
    lr[lane] += b * b;
  }
  out[0] = sum_lanes(ld);
  out[1] = sum_lanes(lf);
  out[2] = sum_lanes(lr);
}

// ---- apply: one elementwise harness, one small functor per update --------------------------

// Io<V> loads and stores V = F8 (the vector body) or V = float (the tail) with the same names.
template <class V>
struct Io;

template <>
struct Io<F8> {
  template <class T>
  static F8 load(const T* p) { return F8::load(p); }
  static void store(float* p, F8 x) { x.store(p); }
  static void store_bf16(uint16_t* p, F8 x) { x.store_bf16(p); }
  static F8 k(float x) { return F8::broadcast(x); }
};

template <>
struct Io<float> {
  template <class T>
  static float load(const T* p) { return load1(p); }
  static void store(float* p, float x) { *p = x; }
  static void store_bf16(uint16_t* p, float x) { *p = f32_to_bf16(x); }
  static float k(float x) { return x; }
};

inline float sqrt(float x) { return std::sqrt(x); }

// u = c_f·g_f + c_r·g_r at element i, the direction every rule moves along (DESIGN.md §1).
template <class V, class T>
V direction_at(const T* gf, const T* gr, int64_t i, double cf, double cr) {
  return direction(Io<V>::load(gf + i), Io<V>::load(gr + i), cf, cr);
}

// Writes the new θ at i: always the float32 master, and with Copy its bfloat16 working copy too,
// from the same registers, so the mixed-precision trainer need not read θ back in a second pass.
template <bool Copy, class V>
void store_theta(float* theta, uint16_t* theta_bf16, int64_t i, V x) {
  Io<V>::store(theta + i, x);
  if constexpr (Copy) Io<V>::store_bf16(theta_bf16 + i, x);
}

template <class Op>
void for_each_element(const Op& op, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) op.template at<F8>(i);
  for (; i < n; ++i) op.template at<float>(i);
}

template <class T>
struct CombineOp {
  const T* gf;
  const T* gr;
  float* u;
  double cf, cr;
  template <class V>
  void at(int64_t i) const {
    Io<V>::store(u + i, direction_at<V>(gf, gr, i, cf, cr));
  }
};

// θ ← θ·(1 − lr·wd) − lr·u
template <class T, bool Copy>
struct SgdOp {
  float* theta;
  uint16_t* theta_bf16;  // read only when Copy
  const T* gf;
  const T* gr;
  double cf, cr;
  float lr, decay;
  template <class V>
  void at(int64_t i) const {
    using io = Io<V>;
    V u = direction_at<V>(gf, gr, i, cf, cr);
    store_theta<Copy>(theta, theta_bf16, i, io::load(theta + i) * io::k(decay) - io::k(lr) * u);
  }
};

// torch.optim.AdamW's arithmetic, operation for operation (see blur.h), on one element.
template <class T, bool Copy>
struct AdamWOp {
  float* theta;
  uint16_t* theta_bf16;  // read only when Copy
  float* m;
  float* v;
  const T* gf;
  const T* gr;
  AdamWScalars s;
  template <class V>
  void at(int64_t i) const {
    using io = Io<V>;
    V u = direction_at<V>(gf, gr, i, s.cf, s.cr);
    V mi = io::load(m + i) * io::k(s.beta1) + io::k(s.one_minus_beta1) * u;
    V vi = io::load(v + i) * io::k(s.beta2) + io::k(s.one_minus_beta2) * u * u;
    V denom = sqrt(vi) / io::k(s.sqrt_bias_correction2) + io::k(s.eps);
    V ti = io::load(theta + i) * io::k(s.decay) - io::k(s.step_size) * (mi / denom);
    io::store(m + i, mi);
    io::store(v + i, vi);
    store_theta<Copy>(theta, theta_bf16, i, ti);
  }
};

template <class T>
void combine(const void* gf, const void* gr, int64_t n, double cf, double cr, float* u) {
  for_each_element(CombineOp<T>{static_cast<const T*>(gf), static_cast<const T*>(gr), u, cf, cr}, n);
}

template <class T, bool Copy>
void sgd(float* theta, uint16_t* theta_bf16, const void* gf, const void* gr, int64_t n, double cf,
         double cr, float lr, float decay) {
  for_each_element(SgdOp<T, Copy>{theta, theta_bf16, static_cast<const T*>(gf),
                                  static_cast<const T*>(gr), cf, cr, lr, decay},
                   n);
}

template <class T, bool Copy>
void adamw(float* theta, uint16_t* theta_bf16, float* m, float* v, const void* gf, const void* gr,
           int64_t n, const AdamWScalars& s) {
  for_each_element(AdamWOp<T, Copy>{theta, theta_bf16, m, v, static_cast<const T*>(gf),
                                    static_cast<const T*>(gr), s},
                   n);
}

// Index 0 is BLUR_F32 (float), index 1 BLUR_BF16 (raw uint16_t bits).
inline KernelTable make_table(const char* isa) {
  return KernelTable{isa,
                     {reduce_block<float>, reduce_block<uint16_t>},
                     {combine<float>, combine<uint16_t>},
                     {sgd<float, false>, sgd<uint16_t, false>},
                     {adamw<float, false>, adamw<uint16_t, false>},
                     {sgd<float, true>, sgd<uint16_t, true>},
                     {adamw<float, true>, adamw<uint16_t, true>}};
}

}  // namespace BLUR_ISA_NAMESPACE
}  // namespace blur
