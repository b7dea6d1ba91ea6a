// blur_cpu.cpp — the CPU implementation of blur.h: argument checks, instruction-set dispatch and
// the deterministic split of the work over OpenMP threads. The arithmetic is in kernels.h.
#include "blur.h"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cfloat>
#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <stdexcept>
#include <vector>

#include "kernel_table.h"

namespace {

using blur::KernelTable;

thread_local char last_error[512] = "";

int fail(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(last_error, sizeof last_error, fmt, args);
  va_end(args);
  return BLUR_ERR_ARGUMENT;
}

// Runtime dispatch rather than -march=native, so one binary runs on every x86-64.
// BLUR_CPU_ISA=portable forces the portable kernels (tests compare the two bit for bit).
const KernelTable& kernels() {
  static const KernelTable table = [] {
    const char* forced = std::getenv("BLUR_CPU_ISA");
    bool want_portable = forced != nullptr && std::strcmp(forced, "portable") == 0;
    __builtin_cpu_init();
    if (!want_portable && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
      return blur::avx2::table();
    return blur::portable::table();
  }();
  return table;
}

std::atomic<int> requested_threads{0};

int threads() {
  int t = requested_threads.load(std::memory_order_relaxed);
  return t > 0 ? t : omp_get_max_threads();
}

// Elementwise work is cut into chunks of this many elements (a multiple of 8, the vector width,
// so only the last chunk has a scalar tail). Below one chunk a parallel region costs more than
// it saves.
constexpr int64_t kChunk = 1 << 15;

int64_t element_size(blur_dtype dtype) { return dtype == BLUR_BF16 ? 2 : 4; }

const void* at(const void* base, int64_t index, blur_dtype dtype) {
  return static_cast<const char*>(base) + index * element_size(dtype);
}

// Runs body(begin, length) over [0, n) in kChunk pieces on the configured threads.
template <class Body>
void parallel_chunks(int64_t n, const Body& body) {
  int64_t chunks = (n + kChunk - 1) / kChunk;
  if (chunks <= 1) {
    if (n > 0) body(0, n);
    return;
  }
#pragma omp parallel for schedule(static) num_threads(threads())
  for (int64_t c = 0; c < chunks; ++c) {
    int64_t begin = c * kChunk;
    body(begin, std::min(kChunk, n - begin));
  }
}

// One buffer an entry point touches: its name for messages and the bytes [ptr, ptr + bytes).
struct Span {
  const char* name;
  const void* ptr;
  int64_t bytes;

  uintptr_t begin() const { return reinterpret_cast<uintptr_t>(ptr); }
  uintptr_t end() const { return begin() + static_cast<uintptr_t>(bytes); }
  bool overlaps(const Span& o) const { return bytes > 0 && o.bytes > 0 && begin() < o.end() && o.begin() < end(); }
};

// The largest n any entry point accepts: n·4 bytes must be a valid int64_t, and so a size the
// address space could hold. Anything above is a corrupted length, not a vector.
constexpr int64_t kMaxElements = INT64_MAX / 4;

int check_count(const char* fn, int64_t n, blur_dtype dtype) {
  if (n < 0) return fail("%s: n must be >= 0, got %lld", fn, static_cast<long long>(n));
  if (n > kMaxElements)
    return fail("%s: n = %lld exceeds the largest vector an address space holds (%lld)", fn,
                static_cast<long long>(n), static_cast<long long>(kMaxElements));
  if (dtype != BLUR_F32 && dtype != BLUR_BF16)
    return fail("%s: unknown dtype %d (expected BLUR_F32=0 or BLUR_BF16=1)", fn, static_cast<int>(dtype));
  return BLUR_OK;
}

// Non-NULL when there is anything to touch, and not wrapping past the top of the address space
// (a pointer near it with a large n is a corrupted argument; reading it would fault).
int check_spans(const char* fn, std::initializer_list<Span> spans) {
  for (const Span& s : spans) {
    if (s.bytes == 0) continue;  // nothing is read or written, so any pointer will do
    if (s.ptr == nullptr) return fail("%s: %s is NULL", fn, s.name);
    if (s.begin() > UINTPTR_MAX - static_cast<uintptr_t>(s.bytes))
      return fail("%s: %s + %lld bytes runs past the end of the address space", fn, s.name,
                  static_cast<long long>(s.bytes));
  }
  return BLUR_OK;
}

// Outputs are written while inputs are still being read, a vector at a time: an output that
// overlaps another buffer would read values this call already changed. The one overlap the kernels
// support is an output that is exactly a float32 input (each element is read before it is
// written); `exact_alias_ok` allows that.
int check_disjoint(const char* fn, std::initializer_list<Span> outputs, std::initializer_list<Span> inputs,
                   bool exact_alias_ok) {
  for (const Span* o = outputs.begin(); o != outputs.end(); ++o) {
    for (const Span* p = o + 1; p != outputs.end(); ++p)
      if (o->overlaps(*p)) return fail("%s: %s and %s overlap; each output needs its own memory", fn, o->name, p->name);
    for (const Span& in : inputs) {
      if (!o->overlaps(in)) continue;
      if (exact_alias_ok && o->ptr == in.ptr && o->bytes == in.bytes) continue;
      return fail("%s: output %s overlaps input %s%s", fn, o->name, in.name,
                  exact_alias_ok ? " other than as the same float32 buffer" : "");
    }
  }
  return BLUR_OK;
}

int check_finite(const char* fn, std::initializer_list<std::pair<const char*, double>> values) {
  for (const auto& [name, x] : values)
    if (!std::isfinite(x)) return fail("%s: %s is not finite (%g)", fn, name, x);
  return BLUR_OK;
}

// c_f, c_r scale float32 gradients into a float32 u: beyond float32's range they can only give ±Inf.
int check_coefficients(const char* fn, double cf, double cr) {
  if (int s = check_finite(fn, {{"cf", cf}, {"cr", cr}})) return s;
  for (const auto& [name, c] : {std::pair<const char*, double>{"cf", cf}, {"cr", cr}})
    if (std::fabs(c) > FLT_MAX) return fail("%s: %s = %g is not a finite float32", fn, name, c);
  return BLUR_OK;
}

int check_learning_rate(const char* fn, double lr, double weight_decay) {
  if (int s = check_finite(fn, {{"lr", lr}, {"weight_decay", weight_decay}})) return s;
  if (lr < 0) return fail("%s: lr must be >= 0, got %g", fn, lr);
  if (weight_decay < 0) return fail("%s: weight_decay must be >= 0, got %g", fn, weight_decay);
  return BLUR_OK;
}

// Above this, OpenMP would try to start more threads than any machine runs, and libgomp aborts
// the process when it cannot create one.
constexpr int kMaxThreads = 1024;

// The bfloat16 working copy of θ that a *_bf16copy entry point writes; the plain entry points
// pass none (`wanted` false), and their kernels never touch it.
struct WorkingCopy {
  bool wanted;
  uint16_t* bits;

  static WorkingCopy none() { return {false, nullptr}; }
  static WorkingCopy of(uint16_t* bits) { return {true, bits}; }
  // one more output: n two-byte elements, or an empty span that every check skips
  Span span(int64_t n) const { return {"theta_bf16", bits, wanted ? n * 2 : 0}; }
  uint16_t* at(int64_t i) const { return wanted ? bits + i : nullptr; }
};

int apply_sgd(const char* fn, float* theta, WorkingCopy copy, const void* gf, const void* gr,
              int64_t n, blur_dtype dtype, double cf, double cr, float lr, float weight_decay) {
  if (int s = check_count(fn, n, dtype)) return s;
  Span f{"gf", gf, n * element_size(dtype)}, r{"gr", gr, n * element_size(dtype)};
  Span params{"theta", theta, n * 4}, working = copy.span(n);
  if (int s = check_spans(fn, {params, working, f, r})) return s;
  if (int s = check_disjoint(fn, {params, working}, {f, r}, false)) return s;
  if (int s = check_coefficients(fn, cf, cr)) return s;
  if (int s = check_learning_rate(fn, lr, weight_decay)) return s;
  float decay = static_cast<float>(1.0 - static_cast<double>(lr) * weight_decay);
  auto sgd = !copy.wanted ? kernels().sgd[dtype] : kernels().sgd_bf16copy[dtype];
  parallel_chunks(n, [&](int64_t i, int64_t len) {
    sgd(theta + i, copy.at(i), at(gf, i, dtype), at(gr, i, dtype), len, cf, cr, lr, decay);
  });
  return BLUR_OK;
}

int apply_adamw(const char* fn, float* theta, WorkingCopy copy, float* m, float* v,
                const void* gf, const void* gr, int64_t n, blur_dtype dtype, double cf, double cr,
                const blur_adamw* hp) {
  if (hp == nullptr) return fail("%s: hp is NULL", fn);
  if (hp->reserved != 0)
    return fail("%s: hp->reserved must be 0, got %d (zero-initialise blur_adamw)", fn, hp->reserved);
  if (int s = check_count(fn, n, dtype)) return s;
  Span f{"gf", gf, n * element_size(dtype)}, r{"gr", gr, n * element_size(dtype)};
  Span params{"theta", theta, n * 4}, first{"m", m, n * 4}, second{"v", v, n * 4};
  Span working = copy.span(n);
  if (int s = check_spans(fn, {params, working, first, second, f, r})) return s;
  if (int s = check_disjoint(fn, {params, working, first, second}, {f, r}, false)) return s;
  if (int s = check_coefficients(fn, cf, cr)) return s;
  if (int s = check_finite(fn, {{"beta1", hp->beta1}, {"beta2", hp->beta2}, {"eps", hp->eps}})) return s;
  if (int s = check_learning_rate(fn, hp->lr, hp->weight_decay)) return s;
  if (!(hp->beta1 >= 0 && hp->beta1 < 1) || !(hp->beta2 >= 0 && hp->beta2 < 1))
    return fail("%s: betas must lie in [0, 1), got (%g, %g)", fn, hp->beta1, hp->beta2);
  if (hp->eps < 0) return fail("%s: eps must be >= 0, got %g", fn, hp->eps);
  if (hp->step < 1) return fail("%s: step counts from 1, got %lld", fn, static_cast<long long>(hp->step));

  double t = static_cast<double>(hp->step);
  blur::AdamWScalars s{};
  s.cf = cf;
  s.cr = cr;
  s.decay = static_cast<float>(1.0 - static_cast<double>(hp->lr) * hp->weight_decay);
  s.beta1 = hp->beta1;
  s.one_minus_beta1 = static_cast<float>(1.0 - hp->beta1);
  s.beta2 = hp->beta2;
  s.one_minus_beta2 = static_cast<float>(1.0 - hp->beta2);
  s.eps = hp->eps;
  s.step_size = static_cast<float>(hp->lr / (1.0 - std::pow(static_cast<double>(hp->beta1), t)));
  s.sqrt_bias_correction2 = static_cast<float>(std::sqrt(1.0 - std::pow(static_cast<double>(hp->beta2), t)));
  auto adamw = !copy.wanted ? kernels().adamw[dtype] : kernels().adamw_bf16copy[dtype];
  parallel_chunks(n, [&](int64_t i, int64_t len) {
    adamw(theta + i, copy.at(i), m + i, v + i, at(gf, i, dtype), at(gr, i, dtype), len, s);
  });
  return BLUR_OK;
}

}  // namespace

extern "C" {

int blur_abi_version(void) { return BLUR_ABI_VERSION; }

const char* blur_last_error(void) { return last_error; }

int blur_set_num_threads(int t) {
  if (t < 0 || t > kMaxThreads)
    return fail("blur_set_num_threads: threads must lie in [0, %d], got %d", kMaxThreads, t);
  requested_threads.store(t, std::memory_order_relaxed);
  return BLUR_OK;
}

int blur_get_num_threads(void) { return threads(); }

const char* blur_cpu_isa(void) { return kernels().isa; }

int blur_sums_add(blur_sums* a, const blur_sums* b) {
  if (a == nullptr) return fail("blur_sums_add: a is NULL");
  if (b == nullptr) return fail("blur_sums_add: b is NULL");
  a->dot += b->dot;
  a->ff += b->ff;
  a->rr += b->rr;
  a->nonfinite |= b->nonfinite;
  return BLUR_OK;
}

int blur_reduce(const void* gf, const void* gr, int64_t n, blur_dtype dtype, blur_sums* out) {
  const char* fn = "blur_reduce";
  if (out == nullptr) return fail("%s: out is NULL", fn);
  if (int s = check_count(fn, n, dtype)) return s;
  int64_t bytes = n * element_size(dtype);
  if (int s = check_spans(fn, {{"gf", gf, bytes}, {"gr", gr, bytes}})) return s;

  // One (d, F, R) per fixed block; added afterwards in block order: the partition and the order
  // are properties of n alone, never of the thread count.
  int64_t blocks = (n + BLUR_REDUCE_BLOCK - 1) / BLUR_REDUCE_BLOCK;
  std::vector<double> partial;
  try {
    partial.resize(3 * blocks);
  } catch (const std::exception&) {  // bad_alloc, or length_error for an absurd count
    return fail("blur_reduce: cannot allocate %lld block sums", static_cast<long long>(blocks));
  }
  auto reduce = kernels().reduce_block[dtype];
  auto block = [&](int64_t b) {
    int64_t begin = b * BLUR_REDUCE_BLOCK;
    int64_t len = std::min<int64_t>(BLUR_REDUCE_BLOCK, n - begin);
    reduce(at(gf, begin, dtype), at(gr, begin, dtype), len, &partial[3 * b]);
  };
  if (blocks <= 1) {
    for (int64_t b = 0; b < blocks; ++b) block(b);
  } else {
#pragma omp parallel for schedule(static) num_threads(threads())
    for (int64_t b = 0; b < blocks; ++b) block(b);
  }

  blur_sums sums{};
  for (int64_t b = 0; b < blocks; ++b) {
    sums.dot += partial[3 * b];
    sums.ff += partial[3 * b + 1];
    sums.rr += partial[3 * b + 2];
  }
  // Squares of finite floats cannot overflow a double, so a non-finite sum means a non-finite
  // element (d alone can be NaN from Inf·0, which F or R then also reports).
  sums.nonfinite = !(std::isfinite(sums.dot) && std::isfinite(sums.ff) && std::isfinite(sums.rr));
  *out = sums;
  return BLUR_OK;
}

int blur_combine(const void* gf, const void* gr, int64_t n, blur_dtype dtype, double cf, double cr,
                 float* u) {
  const char* fn = "blur_combine";
  if (int s = check_count(fn, n, dtype)) return s;
  Span f{"gf", gf, n * element_size(dtype)}, r{"gr", gr, n * element_size(dtype)}, out{"u", u, n * 4};
  if (int s = check_spans(fn, {f, r, out})) return s;
  // in place (u = g_f) works elementwise for float32; a bfloat16 input is half u's size
  if (int s = check_disjoint(fn, {out}, {f, r}, dtype == BLUR_F32)) return s;
  if (int s = check_coefficients(fn, cf, cr)) return s;
  auto combine = kernels().combine[dtype];
  parallel_chunks(n, [&](int64_t i, int64_t len) {
    combine(at(gf, i, dtype), at(gr, i, dtype), len, cf, cr, u + i);
  });
  return BLUR_OK;
}

int blur_apply_sgd(float* theta, const void* gf, const void* gr, int64_t n, blur_dtype dtype,
                   double cf, double cr, float lr, float weight_decay) {
  return apply_sgd("blur_apply_sgd", theta, WorkingCopy::none(), gf, gr, n, dtype, cf, cr, lr, weight_decay);
}

int blur_apply_sgd_bf16copy(float* theta, uint16_t* theta_bf16, const void* gf, const void* gr,
                            int64_t n, blur_dtype dtype, double cf, double cr, float lr,
                            float weight_decay) {
  return apply_sgd("blur_apply_sgd_bf16copy", theta, WorkingCopy::of(theta_bf16), gf, gr, n, dtype, cf,
                   cr, lr, weight_decay);
}

int blur_apply_adamw(float* theta, float* m, float* v, const void* gf, const void* gr, int64_t n,
                     blur_dtype dtype, double cf, double cr, const blur_adamw* hp) {
  return apply_adamw("blur_apply_adamw", theta, WorkingCopy::none(), m, v, gf, gr, n, dtype, cf, cr, hp);
}

int blur_apply_adamw_bf16copy(float* theta, uint16_t* theta_bf16, float* m, float* v,
                              const void* gf, const void* gr, int64_t n, blur_dtype dtype,
                              double cf, double cr, const blur_adamw* hp) {
  return apply_adamw("blur_apply_adamw_bf16copy", theta, WorkingCopy::of(theta_bf16), m, v, gf, gr, n,
                     dtype, cf, cr, hp);
}

int blur_copy(void* dst, const void* src, int64_t bytes) {
  const char* fn = "blur_copy";
  if (bytes < 0) return fail("%s: bytes must be >= 0, got %lld", fn, static_cast<long long>(bytes));
  Span to{"dst", dst, bytes}, from{"src", src, bytes};
  if (int s = check_spans(fn, {to, from})) return s;
  if (int s = check_disjoint(fn, {to}, {from}, false)) return s;  // memcpy's own rule
  // One contiguous range per thread: large ranges let the C library's memcpy switch to
  // streaming stores, so the yardstick is the fastest copy this machine can do, not a strawman.
  int t = threads();
  int64_t per_thread = (bytes + t - 1) / t;
#pragma omp parallel for schedule(static, 1) num_threads(t)
  for (int i = 0; i < t; ++i) {
    int64_t begin = std::min<int64_t>(bytes, i * per_thread);
    int64_t len = std::min<int64_t>(per_thread, bytes - begin);
    std::memcpy(static_cast<char*>(dst) + begin, static_cast<const char*>(src) + begin, len);
  }
  return BLUR_OK;
}

}  // extern "C"
