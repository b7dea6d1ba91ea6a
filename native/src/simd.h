// simd.h — eight float lanes, the unit every kernel is written in (defines: F8, D4x2, load/store).
//
// kernels.h is compiled once per instruction set; this header gives it the same vocabulary on
// each: F8 (eight float32 lanes with + − × ÷ √) and the loads of float32 and bfloat16 gradients.
// Both builds round every operation the same way (no FMA contraction, -ffp-contract=off), so the
// AVX2 and the portable build produce identical bits, and the scalar tail of a vector kernel can
// run the same functor on plain floats.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#if defined(BLUR_ISA_AVX2)
#include <immintrin.h>
#endif

namespace blur {

// bfloat16 is the upper half of a float32: widening is a 16-bit shift, exact.
inline float bf16_to_f32(uint16_t h) {
  uint32_t bits = static_cast<uint32_t>(h) << 16;
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

inline float load1(const float* p) { return *p; }

// float32 → bfloat16, rounded to nearest with ties to even, as c10::BFloat16 rounds
// (round_to_nearest_even): adding 0x7FFF plus the kept part's lowest bit carries into the kept
// half exactly when the dropped half is above a tie, or a tie with an odd kept half; past
// bfloat16's largest finite value the carry lands on ±Inf. NaN would carry into the exponent,
// so it becomes the quiet NaN 0x7FC0, c10's choice.
constexpr uint16_t kBf16QuietNan = 0x7FC0;

inline uint16_t f32_to_bf16(float f) {
  if (std::isnan(f)) return kBf16QuietNan;
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  return static_cast<uint16_t>((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
}

// u = c_f·a + c_r·b in float64, rounded to float32 once (the tail and the portable build)
inline float direction(float a, float b, double cf, double cr) {
  return static_cast<float>(cf * a + cr * b);
}
inline float load1(const uint16_t* p) { return bf16_to_f32(*p); }

#if defined(BLUR_ISA_AVX2)

struct F8 {
  __m256 v;
  static F8 broadcast(float x) { return {_mm256_set1_ps(x)}; }
  static F8 load(const float* p) { return {_mm256_loadu_ps(p)}; }
  static F8 load(const uint16_t* p) {  // 8 × bf16 = 16 bytes → zero-extend to 32 bits, shift
    __m256i wide = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    return {_mm256_castsi256_ps(_mm256_slli_epi32(wide, 16))};
  }
  void store(float* p) const { _mm256_storeu_ps(p, v); }
  // f32_to_bf16 on all eight lanes, then the low halves of the 32-bit results packed into 16 bytes
  // (each result is ≤ 0xFFFF, so the unsigned-saturating pack keeps it unchanged).
  void store_bf16(uint16_t* p) const {
    __m256i bits = _mm256_castps_si256(v);
    __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(bits, 16), _mm256_set1_epi32(1));
    __m256i bias = _mm256_add_epi32(lsb, _mm256_set1_epi32(0x7FFF));
    __m256i rounded = _mm256_srli_epi32(_mm256_add_epi32(bits, bias), 16);
    __m256i nan = _mm256_castps_si256(_mm256_cmp_ps(v, v, _CMP_UNORD_Q));
    rounded = _mm256_blendv_epi8(rounded, _mm256_set1_epi32(kBf16QuietNan), nan);
    __m128i packed = _mm_packus_epi32(_mm256_castsi256_si128(rounded), _mm256_extracti128_si256(rounded, 1));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(p), packed);
  }
  friend F8 operator+(F8 a, F8 b) { return {_mm256_add_ps(a.v, b.v)}; }
  friend F8 operator-(F8 a, F8 b) { return {_mm256_sub_ps(a.v, b.v)}; }
  friend F8 operator*(F8 a, F8 b) { return {_mm256_mul_ps(a.v, b.v)}; }
  friend F8 operator/(F8 a, F8 b) { return {_mm256_div_ps(a.v, b.v)}; }
  friend F8 sqrt(F8 a) { return {_mm256_sqrt_ps(a.v)}; }
};

// u = c_f·a + c_r·b formed in float64 and rounded to float32 once: c_f = γ − d/F must not lose
// its low bits to float32, or ⟨g_f, u⟩ = γF (Lemma A.1(a)) holds only to 1e-7.
inline F8 direction(F8 a, F8 b, double cf, double cr) {
  __m256d f = _mm256_set1_pd(cf), r = _mm256_set1_pd(cr);
  __m256d lo = _mm256_add_pd(_mm256_mul_pd(f, _mm256_cvtps_pd(_mm256_castps256_ps128(a.v))),
                             _mm256_mul_pd(r, _mm256_cvtps_pd(_mm256_castps256_ps128(b.v))));
  __m256d hi = _mm256_add_pd(_mm256_mul_pd(f, _mm256_cvtps_pd(_mm256_extractf128_ps(a.v, 1))),
                             _mm256_mul_pd(r, _mm256_cvtps_pd(_mm256_extractf128_ps(b.v, 1))));
  return {_mm256_set_m128(_mm256_cvtpd_ps(hi), _mm256_cvtpd_ps(lo))};
}

// Eight float64 accumulators, lane i holding the elements at index ≡ i (mod 8) of a block.
struct D8 {
  __m256d lo, hi;  // lanes 0..3, 4..7
  static D8 zero() { return {_mm256_setzero_pd(), _mm256_setzero_pd()}; }
  // acc += a·b per lane. Float products are exact in float64 (24+24 bits ≤ 53), so the FMA
  // rounds exactly as the portable build's multiply-then-add does.
  void add_products(F8 a, F8 b) {
    lo = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(a.v)),
                         _mm256_cvtps_pd(_mm256_castps256_ps128(b.v)), lo);
    hi = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm256_extractf128_ps(a.v, 1)),
                         _mm256_cvtps_pd(_mm256_extractf128_ps(b.v, 1)), hi);
  }
  void lanes(double out[8]) const {
    _mm256_storeu_pd(out, lo);
    _mm256_storeu_pd(out + 4, hi);
  }
};

#else  // portable: plain arrays, left to the compiler's baseline vectoriser (SSE2 on x86-64)

struct F8 {
  float v[8];
  static F8 broadcast(float x) {
    F8 r;
    for (int i = 0; i < 8; ++i) r.v[i] = x;
    return r;
  }
  template <class T>
  static F8 load(const T* p) {
    F8 r;
    for (int i = 0; i < 8; ++i) r.v[i] = load1(p + i);
    return r;
  }
  void store(float* p) const { std::memcpy(p, v, sizeof v); }
  void store_bf16(uint16_t* p) const {
    for (int i = 0; i < 8; ++i) p[i] = f32_to_bf16(v[i]);
  }
#define BLUR_F8_OP(op)                                   \
  friend F8 operator op(F8 a, F8 b) {                    \
    F8 r;                                                \
    for (int i = 0; i < 8; ++i) r.v[i] = a.v[i] op b.v[i]; \
    return r;                                            \
  }
  BLUR_F8_OP(+)
  BLUR_F8_OP(-)
  BLUR_F8_OP(*)
  BLUR_F8_OP(/)
#undef BLUR_F8_OP
  friend F8 sqrt(F8 a) {
    for (float& x : a.v) x = std::sqrt(x);
    return a;
  }
};

inline F8 direction(F8 a, F8 b, double cf, double cr) {
  F8 u;
  for (int i = 0; i < 8; ++i) u.v[i] = direction(a.v[i], b.v[i], cf, cr);
  return u;
}

struct D8 {
  double v[8];
  static D8 zero() { return {}; }
  void add_products(F8 a, F8 b) {
    for (int i = 0; i < 8; ++i) v[i] += static_cast<double>(a.v[i]) * static_cast<double>(b.v[i]);
  }
  void lanes(double out[8]) const { std::memcpy(out, v, sizeof v); }
};

#endif

}  // namespace blur
