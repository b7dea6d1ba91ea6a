/*
 * blur.h — the C ABI of blur-native: the fused BLUR update over flat gradient buffers.
 *
 * Every unlearning rule moves the parameters along u = c_f·g_f + c_r·g_r, where (c_f, c_r) depend
 * only on d = <g_f,g_r>, F = ||g_f||², R = ||g_r||² (DESIGN.md §1). So the hot path is two kernels:
 *   reduce  reads g_f and g_r once and returns (d, F, R) and a non-finite flag;
 *   apply   reads θ, g_f, g_r and the optimizer state once, writes θ and the state once;
 *           u is never stored.
 * combine writes u for callers that bring their own optimizer.
 * apply_*_bf16copy is apply that also writes θ's bfloat16 working copy in the same pass (bf16 mixed
 * precision: float32 master θ and state, bfloat16 weights for forward and backward).
 *
 * Two libraries implement this header:
 *   libblur.so       blur_*       host pointers, C++17 + OpenMP, vectorised with runtime dispatch;
 *   libblur_cuda.so  blur_cuda_* device pointers, queued on the caller's CUDA stream.
 *
 * Conventions shared by every entry point:
 *   - Gradients are float32 or bfloat16 (`blur_dtype`); θ and the optimizer state are float32;
 *     θ's working copy (the *_bf16copy applies) is bfloat16, as raw uint16_t words.
 *   - u = c_f·g_f + c_r·g_r is formed in float64 and rounded to float32 once, so the low bits of
 *     c_f = γ − d/F survive and ⟨g_f, u⟩ = γF holds to float32 rounding of u alone.
 *   - All buffers hold n contiguous elements; n may be 0 (then any pointer, NULL included, will
 *     do). 0 <= n <= INT64_MAX / 4. libblur.so takes any address; libblur_cuda.so needs each
 *     buffer aligned to its elements (4 bytes float32, 2 bfloat16) and takes the vector path
 *     when all are 16-byte aligned.
 *   - Outputs (u; θ, m, v, θ's bf16 copy) must not overlap each other or the gradients, with one exception:
 *     combine's u may be exactly g_f or g_r when they are float32. Inputs may alias each other.
 *   - Every call validates its arguments and returns BLUR_OK or an error code; it never aborts.
 *     blur_last_error() / blur_cuda_last_error() give a one-sentence message (thread-local).
 *     What no library can check is that a pointer really holds n elements: that is the caller's.
 *   - reduce is deterministic: the vector is cut into fixed blocks of BLUR_REDUCE_BLOCK elements,
 *     each summed in a fixed lane order in float64, and the block sums are added in block order.
 *     The result does not depend on the number of threads (CPU) and is the same on every run.
 *   - Sharded callers reduce their own shard and sum the three doubles of all ranks in rank order;
 *     the non-finite flags are OR-ed (blur_sums_add does both).
 *   - apply refuses non-finite c_f, c_r or hyper-parameters with BLUR_ERR_ARGUMENT and leaves
 *     every buffer untouched, so a step computed from a poisoned reduce changes nothing.
 */
#ifndef BLUR_H
#define BLUR_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BLUR_ABI_VERSION 1

/* the libraries are built with hidden visibility; only these entry points are exported */
#if defined(__GNUC__)
#define BLUR_API __attribute__((visibility("default")))
#else
#define BLUR_API
#endif

/* elements per deterministic reduction block (CPU); part of the numerical contract */
#define BLUR_REDUCE_BLOCK 65536

typedef enum blur_dtype {
  BLUR_F32 = 0,  /* IEEE float32 */
  BLUR_BF16 = 1  /* bfloat16: the upper 16 bits of a float32 */
} blur_dtype;

typedef enum blur_status {
  BLUR_OK = 0,
  BLUR_ERR_ARGUMENT = 1,  /* null pointer, negative n, unknown dtype, non-finite coefficient... */
  BLUR_ERR_DEVICE = 2,    /* CUDA only: no device, a failed launch or allocation */
} blur_status;

/* Sums over one shard of the gradients. */
typedef struct blur_sums {
  double dot;         /* d = <g_f, g_r> */
  double ff;          /* F = ||g_f||² */
  double rr;          /* R = ||g_r||² */
  int32_t nonfinite;  /* 1 when any element of g_f or g_r is NaN or ±Inf */
  int32_t reserved;   /* 0; keeps the struct 32 bytes on every ABI */
} blur_sums;

/* AdamW with decoupled weight decay and bias correction, as torch.optim.AdamW computes it:
 *   m ← β1·m + (1−β1)·u;  v ← β2·v + (1−β2)·u²;  θ ← θ·(1 − lr·wd)
 *   θ ← θ − (lr / (1−β1^t)) · m / (√v / √(1−β2^t) + eps)                                   */
typedef struct blur_adamw {
  float lr;
  float beta1;
  float beta2;
  float eps;
  float weight_decay;
  int32_t reserved;  /* must be 0 (refused otherwise): room for a later field */
  int64_t step;      /* t ≥ 1: the number of this update, counting from 1 */
} blur_adamw;

/* ---- CPU: libblur.so, host pointers ---------------------------------------------------------- */

BLUR_API int blur_abi_version(void);  /* BLUR_ABI_VERSION of the library actually loaded */
BLUR_API const char* blur_last_error(void);

/* Threads used by later calls on this process, 0..1024; 0 restores the OpenMP default. Results of
 * every entry point are bit-identical whatever the thread count. */
BLUR_API int blur_set_num_threads(int threads);
BLUR_API int blur_get_num_threads(void);

/* The kernels runtime dispatch chose: "avx2" or "portable" (forced with BLUR_CPU_ISA=portable). */
BLUR_API const char* blur_cpu_isa(void);

/* out ← (d, F, R, flag) over n elements of g_f and g_r (both of dtype). */
BLUR_API int blur_reduce(const void* gf, const void* gr, int64_t n, blur_dtype dtype, blur_sums* out);

/* u ← c_f·g_f + c_r·g_r, written as float32 (u may be g_f or g_r itself only when dtype is BLUR_F32). */
BLUR_API int blur_combine(const void* gf, const void* gr, int64_t n, blur_dtype dtype,
                 double cf, double cr, float* u);

/* θ ← θ·(1 − lr·wd) − lr·(c_f·g_f + c_r·g_r): plain SGD, the paper's eq. 15. */
BLUR_API int blur_apply_sgd(float* theta, const void* gf, const void* gr, int64_t n, blur_dtype dtype,
                   double cf, double cr, float lr, float weight_decay);

/* One fused AdamW step with u = c_f·g_f + c_r·g_r as the gradient; m and v are float32 state. */
BLUR_API int blur_apply_adamw(float* theta, float* m, float* v, const void* gf, const void* gr, int64_t n,
                     blur_dtype dtype, double cf, double cr, const blur_adamw* hp);

/* The two applies above that also write θ's bfloat16 working copy, for bf16 mixed precision
 * (fp32 master θ and state, bf16 weights for forward and backward): in the same pass, after θ is
 * updated, theta_bf16[i] ← round-to-nearest-even of the new θ[i] (as c10::BFloat16 rounds; NaN
 * becomes the quiet NaN 0x7FC0, values past bfloat16's range ±Inf). θ, m and v get the same bits
 * as the plain entry point's. theta_bf16 holds n uint16_t and is one more output: it must not
 * overlap θ, m, v or the gradients. Added in ABI 1 (adding functions keeps the version).       */
BLUR_API int blur_apply_sgd_bf16copy(float* theta, uint16_t* theta_bf16, const void* gf, const void* gr,
                            int64_t n, blur_dtype dtype, double cf, double cr, float lr,
                            float weight_decay);
BLUR_API int blur_apply_adamw_bf16copy(float* theta, uint16_t* theta_bf16, float* m, float* v,
                              const void* gf, const void* gr, int64_t n, blur_dtype dtype,
                              double cf, double cr, const blur_adamw* hp);

/* a += b for sums from another shard: the doubles added in the caller's (rank) order, flags OR-ed.
 * Returns BLUR_OK, or BLUR_ERR_ARGUMENT when a or b is NULL. (Earlier headers of ABI 1 declared it
 * void; a caller built against them ignores the status and works unchanged.) */
BLUR_API int blur_sums_add(blur_sums* a, const blur_sums* b);

/* Parallel memory copy with the same threads as the kernels: the benchmarks' bandwidth yardstick.
 * dst and src must not overlap. */
BLUR_API int blur_copy(void* dst, const void* src, int64_t bytes);

/* ---- CUDA: libblur_cuda.so, device pointers --------------------------------------------------
 * `stream` is a cudaStream_t (NULL = the legacy default stream). Kernels are queued on it;
 * blur_cuda_reduce waits for its own result, the others return without synchronising.
 * Reduction: per-thread float64 accumulation, per-block partials, then one block adds the partials
 * in block order; no atomics, so results are identical run to run on a given device.            */

BLUR_API int blur_cuda_abi_version(void);
BLUR_API const char* blur_cuda_last_error(void);

/* Number of visible CUDA devices (0 when there is no driver or no GPU). Never fails. */
BLUR_API int blur_cuda_device_count(void);

/* cudaMemGetInfo of `device`: the bytes free on it now and its total, for a caller that plans its
 * buffers before allocating them. Makes `device` current for the query (creating its primary
 * context if it has none yet) and restores the caller's current device. BLUR_ERR_ARGUMENT for a
 * NULL output or a negative device, BLUR_ERR_DEVICE for a device past the last visible one or no
 * driver; on failure neither output is written. */
BLUR_API int blur_cuda_mem_info(int device, uint64_t* free_bytes, uint64_t* total_bytes);

BLUR_API int blur_cuda_reduce(const void* gf, const void* gr, int64_t n, blur_dtype dtype, blur_sums* out,
                     void* stream);
BLUR_API int blur_cuda_combine(const void* gf, const void* gr, int64_t n, blur_dtype dtype,
                      double cf, double cr, float* u, void* stream);
BLUR_API int blur_cuda_apply_sgd(float* theta, const void* gf, const void* gr, int64_t n, blur_dtype dtype,
                        double cf, double cr, float lr, float weight_decay, void* stream);
BLUR_API int blur_cuda_apply_adamw(float* theta, float* m, float* v, const void* gf, const void* gr,
                          int64_t n, blur_dtype dtype, double cf, double cr,
                          const blur_adamw* hp, void* stream);
/* the bf16-copy applies of libblur.so (see there) on device memory; theta_bf16 2-byte aligned */
BLUR_API int blur_cuda_apply_sgd_bf16copy(float* theta, uint16_t* theta_bf16, const void* gf,
                                 const void* gr, int64_t n, blur_dtype dtype, double cf, double cr,
                                 float lr, float weight_decay, void* stream);
BLUR_API int blur_cuda_apply_adamw_bf16copy(float* theta, uint16_t* theta_bf16, float* m, float* v,
                                   const void* gf, const void* gr, int64_t n, blur_dtype dtype,
                                   double cf, double cr, const blur_adamw* hp, void* stream);
/* device-to-device copy on `stream`, the GPU bandwidth yardstick */
BLUR_API int blur_cuda_copy(void* dst, const void* src, int64_t bytes, void* stream);

#ifdef __cplusplus
}
#endif

#endif /* BLUR_H */
