/*
 * abi_refusals.c — every entry point of blur.h handed bad arguments: each must return
 * BLUR_ERR_ARGUMENT with a message naming itself, leave every buffer as it was, and never crash.
 *
 * Built twice by CProgramTest: against libblur.so, and with -DBLUR_TEST_CUDA against
 * libblur_cuda.so, whose argument checks run before any CUDA call and so answer the same without a
 * GPU. Host memory is all it is given: a refusal must come before anything touches a buffer.
 * Prints one line per failed check and a summary; exits 1 when any check failed.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "blur.h"

#ifdef BLUR_TEST_CUDA
#define LIB "libblur_cuda.so"
#define ENTRY(name) "blur_cuda_" #name
#define CALL(name, ...) blur_cuda_##name(__VA_ARGS__, NULL)  /* NULL: the legacy default stream */
#define LAST_ERROR() blur_cuda_last_error()
#define ABI_VERSION() blur_cuda_abi_version()
#else
#define LIB "libblur.so"
#define ENTRY(name) "blur_" #name
#define CALL(name, ...) blur_##name(__VA_ARGS__)
#define LAST_ERROR() blur_last_error()
#define ABI_VERSION() blur_abi_version()
#endif

enum { N = 37 };  /* not a multiple of any vector width */

static int checks, failures;

/* buffers every case starts from; `pristine` holds the bytes they must still have afterwards */
/* 16-byte aligned, so that each case is refused for the reason it names, not for alignment */
static _Alignas(16) float theta[N], m[N], v[N], u[N], gf[N], gr[N];
static _Alignas(16) uint16_t gf16[N], gr16[N], theta16[N];  /* theta16: the bf16 working copy */
static unsigned char pristine[6 * N * sizeof(float) + 3 * N * sizeof(uint16_t)];

static void fill(void) {
  for (int i = 0; i < N; i++) {
    theta[i] = 0.5f + i, m[i] = 0.01f * i, v[i] = 0.001f * i, u[i] = -1.0f * i;
    gf[i] = 1.0f / (i + 1), gr[i] = -2.0f + i;
    gf16[i] = (uint16_t)(0x3F80 + i), gr16[i] = (uint16_t)(0xBF80 + i), theta16[i] = (uint16_t)(0x4000 + i);
  }
}

static void snapshot(unsigned char* out) {
  unsigned char* p = out;
  const void* parts[] = {theta, m, v, u, gf, gr};
  for (int k = 0; k < 6; k++, p += sizeof theta) memcpy(p, parts[k], sizeof theta);
  memcpy(p, gf16, sizeof gf16);
  memcpy(p + sizeof gf16, gr16, sizeof gr16);
  memcpy(p + 2 * sizeof gf16, theta16, sizeof theta16);
}

/* One refusal: status BLUR_ERR_ARGUMENT, a message that names the entry point, buffers intact. */
static void refused(const char* what, const char* entry, int status) {
  unsigned char now[sizeof pristine];
  snapshot(now);
  const char* message = LAST_ERROR();
  checks++;
  if (status != BLUR_ERR_ARGUMENT) {
    failures++;
    printf("FAIL %s: status %d, expected BLUR_ERR_ARGUMENT (%s)\n", what, status, message);
  } else if (message == NULL || strncmp(message, entry, strlen(entry)) != 0) {
    failures++;
    printf("FAIL %s: message \"%s\" does not start with %s\n", what, message ? message : "(null)", entry);
  } else if (memcmp(now, pristine, sizeof now) != 0) {
    failures++;
    printf("FAIL %s: a buffer changed although the call was refused\n", what);
  }
}

static void expect_status(const char* what, int status, int expected) {
  checks++;
  if (status != expected) {
    failures++;
    printf("FAIL %s: status %d, expected %d (%s)\n", what, status, expected, LAST_ERROR());
  }
}

static blur_adamw good_hp(void) {
  blur_adamw hp;
  memset(&hp, 0, sizeof hp);
  hp.lr = 1e-3f, hp.beta1 = 0.9f, hp.beta2 = 0.999f, hp.eps = 1e-8f, hp.weight_decay = 0.01f;
  hp.step = 1;
  return hp;
}

static void reduce_cases(void) {
  const char* e = ENTRY(reduce);
  blur_sums out;
  refused("reduce out=NULL", e, CALL(reduce, gf, gr, N, BLUR_F32, NULL));
  refused("reduce gf=NULL", e, CALL(reduce, NULL, gr, N, BLUR_F32, &out));
  refused("reduce gr=NULL", e, CALL(reduce, gf, NULL, N, BLUR_F32, &out));
  refused("reduce n=-1", e, CALL(reduce, gf, gr, -1, BLUR_F32, &out));
  refused("reduce n=INT64_MIN", e, CALL(reduce, gf, gr, INT64_MIN, BLUR_F32, &out));
  refused("reduce n=INT64_MAX", e, CALL(reduce, gf, gr, INT64_MAX, BLUR_F32, &out));
  refused("reduce dtype=2", e, CALL(reduce, gf, gr, N, (blur_dtype)2, &out));
  refused("reduce dtype=-1", e, CALL(reduce, gf, gr, N, (blur_dtype)-1, &out));
  /* a pointer near the top of the address space with n elements would wrap around */
  refused("reduce gf wraps the address space", e,
          CALL(reduce, (const void*)(UINTPTR_MAX - 7), gr, N, BLUR_F32, &out));
#ifdef BLUR_TEST_CUDA
  /* a float32 load from an odd address faults on the GPU: refused before any launch */
  refused("reduce gf misaligned", e, CALL(reduce, (const char*)gf + 1, gr, N - 1, BLUR_F32, &out));
  refused("combine u misaligned", ENTRY(combine), CALL(combine, gf, gr, N - 1, BLUR_F32, 1.0, 1.0, (float*)((char*)u + 2)));
#endif
  memset(&out, 0x7F, sizeof out);
  expect_status("reduce n=0 with NULL buffers", CALL(reduce, NULL, NULL, 0, BLUR_F32, &out), BLUR_OK);
  checks++;
  if (out.dot != 0 || out.ff != 0 || out.rr != 0 || out.nonfinite != 0 || out.reserved != 0) {
    failures++;
    printf("FAIL reduce n=0: sums are not all zero\n");
  }
}

static void combine_cases(void) {
  const char* e = ENTRY(combine);
  refused("combine u=NULL", e, CALL(combine, gf, gr, N, BLUR_F32, 1.0, 1.0, NULL));
  refused("combine gf=NULL", e, CALL(combine, NULL, gr, N, BLUR_F32, 1.0, 1.0, u));
  refused("combine n=-5", e, CALL(combine, gf, gr, -5, BLUR_F32, 1.0, 1.0, u));
  refused("combine dtype=9", e, CALL(combine, gf, gr, N, (blur_dtype)9, 1.0, 1.0, u));
  refused("combine cf=NaN", e, CALL(combine, gf, gr, N, BLUR_F32, NAN, 1.0, u));
  refused("combine cr=-Inf", e, CALL(combine, gf, gr, N, BLUR_F32, 1.0, -INFINITY, u));
  refused("combine cf=1e39 (beyond float32)", e, CALL(combine, gf, gr, N, BLUR_F32, 1e39, 1.0, u));
  /* u overlapping a gradient without being it: reads would see values already written */
  refused("combine u = gf + 1", e, CALL(combine, gf, gr, N - 1, BLUR_F32, 1.0, 1.0, gf + 1));
  /* a bfloat16 gradient is half u's size: in place cannot work element by element */
  refused("combine bf16 u = gf", e,
          CALL(combine, gf16, gr16, N / 2, BLUR_BF16, 1.0, 1.0, (float*)gf16));
}

static void sgd_cases(void) {
  const char* e = ENTRY(apply_sgd);
  refused("apply_sgd theta=NULL", e, CALL(apply_sgd, NULL, gf, gr, N, BLUR_F32, 1.0, 1.0, 1e-3f, 0.0f));
  refused("apply_sgd gr=NULL", e, CALL(apply_sgd, theta, gf, NULL, N, BLUR_F32, 1.0, 1.0, 1e-3f, 0.0f));
  refused("apply_sgd n=-1", e, CALL(apply_sgd, theta, gf, gr, -1, BLUR_F32, 1.0, 1.0, 1e-3f, 0.0f));
  refused("apply_sgd dtype=3", e, CALL(apply_sgd, theta, gf, gr, N, (blur_dtype)3, 1.0, 1.0, 1e-3f, 0.0f));
  refused("apply_sgd cf=NaN", e, CALL(apply_sgd, theta, gf, gr, N, BLUR_F32, NAN, 1.0, 1e-3f, 0.0f));
  refused("apply_sgd cr=1e300", e, CALL(apply_sgd, theta, gf, gr, N, BLUR_F32, 1.0, 1e300, 1e-3f, 0.0f));
  refused("apply_sgd lr=NaN", e, CALL(apply_sgd, theta, gf, gr, N, BLUR_F32, 1.0, 1.0, NAN, 0.0f));
  refused("apply_sgd lr=-1", e, CALL(apply_sgd, theta, gf, gr, N, BLUR_F32, 1.0, 1.0, -1.0f, 0.0f));
  refused("apply_sgd weight_decay=Inf", e,
          CALL(apply_sgd, theta, gf, gr, N, BLUR_F32, 1.0, 1.0, 1e-3f, INFINITY));
  refused("apply_sgd weight_decay=-0.1", e,
          CALL(apply_sgd, theta, gf, gr, N, BLUR_F32, 1.0, 1.0, 1e-3f, -0.1f));
  refused("apply_sgd theta = gf", e, CALL(apply_sgd, gf, gf, gr, N, BLUR_F32, 1.0, 1.0, 1e-3f, 0.0f));
  refused("apply_sgd theta overlaps gr", e,
          CALL(apply_sgd, gr + 3, gf, gr, N - 3, BLUR_F32, 1.0, 1.0, 1e-3f, 0.0f));
  expect_status("apply_sgd n=0 with NULL buffers",
                CALL(apply_sgd, NULL, NULL, NULL, 0, BLUR_F32, 1.0, 1.0, 1e-3f, 0.0f), BLUR_OK);
}

static void adamw_cases(void) {
  const char* e = ENTRY(apply_adamw);
  blur_adamw hp = good_hp(), bad;
  refused("apply_adamw hp=NULL", e, CALL(apply_adamw, theta, m, v, gf, gr, N, BLUR_F32, 1.0, 1.0, NULL));
  refused("apply_adamw m=NULL", e, CALL(apply_adamw, theta, NULL, v, gf, gr, N, BLUR_F32, 1.0, 1.0, &hp));
  refused("apply_adamw v=NULL", e, CALL(apply_adamw, theta, m, NULL, gf, gr, N, BLUR_F32, 1.0, 1.0, &hp));
  refused("apply_adamw gf=NULL", e, CALL(apply_adamw, theta, m, v, NULL, gr, N, BLUR_F32, 1.0, 1.0, &hp));
  refused("apply_adamw n=-1", e, CALL(apply_adamw, theta, m, v, gf, gr, -1, BLUR_F32, 1.0, 1.0, &hp));
  refused("apply_adamw dtype=5", e, CALL(apply_adamw, theta, m, v, gf, gr, N, (blur_dtype)5, 1.0, 1.0, &hp));
  refused("apply_adamw cf=Inf", e, CALL(apply_adamw, theta, m, v, gf, gr, N, BLUR_F32, INFINITY, 1.0, &hp));
  refused("apply_adamw cr=NaN", e, CALL(apply_adamw, theta, m, v, gf, gr, N, BLUR_F32, 1.0, NAN, &hp));
  refused("apply_adamw m = v", e, CALL(apply_adamw, theta, m, m, gf, gr, N, BLUR_F32, 1.0, 1.0, &hp));
  refused("apply_adamw theta = m", e, CALL(apply_adamw, theta, theta, v, gf, gr, N, BLUR_F32, 1.0, 1.0, &hp));
  refused("apply_adamw v overlaps gf", e,
          CALL(apply_adamw, theta, m, gf + 1, gf, gr, N - 1, BLUR_F32, 1.0, 1.0, &hp));
  /* each case: the good hyper-parameters with one field spoiled */
#define SPOILED(label, field, value)                                                           \
  bad = hp, bad.field = value,                                                                 \
  refused("apply_adamw " label, e, CALL(apply_adamw, theta, m, v, gf, gr, N, BLUR_F32, 1.0, 1.0, &bad))
  SPOILED("lr=NaN", lr, NAN);
  SPOILED("lr=-1e-3", lr, -1e-3f);
  SPOILED("beta1=1", beta1, 1.0f);
  SPOILED("beta1=-0.1", beta1, -0.1f);
  SPOILED("beta2=NaN", beta2, NAN);
  SPOILED("eps=-1", eps, -1.0f);
  SPOILED("eps=Inf", eps, INFINITY);
  SPOILED("weight_decay=NaN", weight_decay, NAN);
  SPOILED("step=0", step, 0);
  SPOILED("step=-3", step, -3);
  SPOILED("reserved=1", reserved, 1);
#undef SPOILED
  expect_status("apply_adamw n=0 with NULL buffers",
                CALL(apply_adamw, NULL, NULL, NULL, NULL, NULL, 0, BLUR_F32, 1.0, 1.0, &hp), BLUR_OK);
}

/* The bf16-copy applies check everything the plain ones do, and their one extra output. */
static void sgd_bf16copy_cases(void) {
  const char* e = ENTRY(apply_sgd_bf16copy);
#define SGD16(...) CALL(apply_sgd_bf16copy, __VA_ARGS__)
  refused("apply_sgd_bf16copy theta_bf16=NULL", e, SGD16(theta, NULL, gf, gr, N, BLUR_F32, 1.0, 1.0, 1e-3f, 0.0f));
  refused("apply_sgd_bf16copy theta=NULL", e, SGD16(NULL, theta16, gf, gr, N, BLUR_F32, 1.0, 1.0, 1e-3f, 0.0f));
  refused("apply_sgd_bf16copy gf=NULL", e, SGD16(theta, theta16, NULL, gr, N, BLUR_F32, 1.0, 1.0, 1e-3f, 0.0f));
  refused("apply_sgd_bf16copy n=-1", e, SGD16(theta, theta16, gf, gr, -1, BLUR_F32, 1.0, 1.0, 1e-3f, 0.0f));
  refused("apply_sgd_bf16copy n=INT64_MAX", e, SGD16(theta, theta16, gf, gr, INT64_MAX, BLUR_F32, 1.0, 1.0, 1e-3f, 0.0f));
  refused("apply_sgd_bf16copy dtype=2", e, SGD16(theta, theta16, gf, gr, N, (blur_dtype)2, 1.0, 1.0, 1e-3f, 0.0f));
  refused("apply_sgd_bf16copy cf=NaN", e, SGD16(theta, theta16, gf, gr, N, BLUR_F32, NAN, 1.0, 1e-3f, 0.0f));
  refused("apply_sgd_bf16copy lr=-1", e, SGD16(theta, theta16, gf, gr, N, BLUR_F32, 1.0, 1.0, -1.0f, 0.0f));
  refused("apply_sgd_bf16copy weight_decay=NaN", e, SGD16(theta, theta16, gf, gr, N, BLUR_F32, 1.0, 1.0, 1e-3f, NAN));
  /* the copy overlapping θ (either half of it) or a gradient, float32 or bfloat16 */
  refused("apply_sgd_bf16copy theta_bf16 inside theta", e,
          SGD16(theta, (uint16_t*)(theta + N / 4), gf, gr, N / 2, BLUR_F32, 1.0, 1.0, 1e-3f, 0.0f));
  refused("apply_sgd_bf16copy theta_bf16 = theta", e,
          SGD16(theta, (uint16_t*)theta, gf, gr, N, BLUR_F32, 1.0, 1.0, 1e-3f, 0.0f));
  refused("apply_sgd_bf16copy theta_bf16 = gf", e,
          SGD16(theta, (uint16_t*)gf, gf, gr, N, BLUR_F32, 1.0, 1.0, 1e-3f, 0.0f));
  refused("apply_sgd_bf16copy theta_bf16 = bf16 gr", e,
          SGD16(theta, gr16, gf16, gr16, N, BLUR_BF16, 1.0, 1.0, 1e-3f, 0.0f));
  refused("apply_sgd_bf16copy theta_bf16 overlaps bf16 gf", e,
          SGD16(theta, gf16 + 5, gf16, gr16, N - 5, BLUR_BF16, 1.0, 1.0, 1e-3f, 0.0f));
  refused("apply_sgd_bf16copy theta wraps the address space", e,
          SGD16(theta, (uint16_t*)(UINTPTR_MAX - 7), gf, gr, N, BLUR_F32, 1.0, 1.0, 1e-3f, 0.0f));
#ifdef BLUR_TEST_CUDA
  refused("apply_sgd_bf16copy theta_bf16 misaligned", e,
          SGD16(theta, (uint16_t*)((char*)theta16 + 1), gf, gr, N - 1, BLUR_F32, 1.0, 1.0, 1e-3f, 0.0f));
#endif
  expect_status("apply_sgd_bf16copy n=0 with NULL buffers",
                SGD16(NULL, NULL, NULL, NULL, 0, BLUR_F32, 1.0, 1.0, 1e-3f, 0.0f), BLUR_OK);
#undef SGD16
}

static void adamw_bf16copy_cases(void) {
  const char* e = ENTRY(apply_adamw_bf16copy);
  blur_adamw hp = good_hp(), bad;
#define ADAMW16(...) CALL(apply_adamw_bf16copy, __VA_ARGS__)
  refused("apply_adamw_bf16copy theta_bf16=NULL", e, ADAMW16(theta, NULL, m, v, gf, gr, N, BLUR_F32, 1.0, 1.0, &hp));
  refused("apply_adamw_bf16copy hp=NULL", e, ADAMW16(theta, theta16, m, v, gf, gr, N, BLUR_F32, 1.0, 1.0, NULL));
  refused("apply_adamw_bf16copy v=NULL", e, ADAMW16(theta, theta16, m, NULL, gf, gr, N, BLUR_F32, 1.0, 1.0, &hp));
  refused("apply_adamw_bf16copy n=-1", e, ADAMW16(theta, theta16, m, v, gf, gr, -1, BLUR_F32, 1.0, 1.0, &hp));
  refused("apply_adamw_bf16copy dtype=7", e, ADAMW16(theta, theta16, m, v, gf, gr, N, (blur_dtype)7, 1.0, 1.0, &hp));
  refused("apply_adamw_bf16copy cr=Inf", e, ADAMW16(theta, theta16, m, v, gf, gr, N, BLUR_F32, 1.0, INFINITY, &hp));
  refused("apply_adamw_bf16copy m = v", e, ADAMW16(theta, theta16, m, m, gf, gr, N, BLUR_F32, 1.0, 1.0, &hp));
  refused("apply_adamw_bf16copy theta_bf16 = m", e,
          ADAMW16(theta, (uint16_t*)m, m, v, gf, gr, N, BLUR_F32, 1.0, 1.0, &hp));
  refused("apply_adamw_bf16copy theta_bf16 inside v", e,
          ADAMW16(theta, (uint16_t*)(v + 3), m, v, gf, gr, N - 3, BLUR_F32, 1.0, 1.0, &hp));
  refused("apply_adamw_bf16copy theta_bf16 = bf16 gf", e,
          ADAMW16(theta, gf16, m, v, gf16, gr16, N, BLUR_BF16, 1.0, 1.0, &hp));
#define SPOILED(label, field, value) \
  bad = hp, bad.field = value, refused("apply_adamw_bf16copy " label, e, ADAMW16(theta, theta16, m, v, gf, gr, N, BLUR_F32, 1.0, 1.0, &bad))
  SPOILED("lr=NaN", lr, NAN);
  SPOILED("beta1=1", beta1, 1.0f);
  SPOILED("eps=-1", eps, -1.0f);
  SPOILED("step=0", step, 0);
  SPOILED("reserved=1", reserved, 1);
#undef SPOILED
#ifdef BLUR_TEST_CUDA
  refused("apply_adamw_bf16copy theta_bf16 misaligned", e,
          ADAMW16(theta, (uint16_t*)((char*)theta16 + 1), m, v, gf, gr, N - 1, BLUR_F32, 1.0, 1.0, &hp));
#endif
  expect_status("apply_adamw_bf16copy n=0 with NULL buffers",
                ADAMW16(NULL, NULL, NULL, NULL, NULL, NULL, 0, BLUR_F32, 1.0, 1.0, &hp), BLUR_OK);
#undef ADAMW16
}

static void copy_cases(void) {
  const char* e = ENTRY(copy);
  refused("copy bytes=-1", e, CALL(copy, u, gf, -1));
  refused("copy dst=NULL", e, CALL(copy, NULL, gf, 8));
  refused("copy src=NULL", e, CALL(copy, u, NULL, 8));
  refused("copy overlapping", e, CALL(copy, gf + 1, gf, 8));
  expect_status("copy 0 bytes with NULLs", CALL(copy, NULL, NULL, 0), BLUR_OK);
}

#ifdef BLUR_TEST_CUDA
/* blur_cuda_mem_info: bad outputs and devices are refused and neither output is written; a device
   past the last visible one (device_count(): 0 on a machine without a GPU) is BLUR_ERR_DEVICE */
static void mem_info_cases(void) {
  const char* e = ENTRY(mem_info);
  uint64_t free_bytes = 7, total_bytes = 9;
  refused("mem_info free_bytes=NULL", e, blur_cuda_mem_info(0, NULL, &total_bytes));
  refused("mem_info total_bytes=NULL", e, blur_cuda_mem_info(0, &free_bytes, NULL));
  refused("mem_info device=-1", e, blur_cuda_mem_info(-1, &free_bytes, &total_bytes));
  refused("mem_info device=INT32_MIN", e, blur_cuda_mem_info(INT32_MIN, &free_bytes, &total_bytes));
  const int past = blur_cuda_device_count();
  expect_status("mem_info device=device_count()", blur_cuda_mem_info(past, &free_bytes, &total_bytes),
                BLUR_ERR_DEVICE);
  expect_status("mem_info device=INT32_MAX", blur_cuda_mem_info(INT32_MAX, &free_bytes, &total_bytes),
                BLUR_ERR_DEVICE);
  checks++;
  if (strncmp(LAST_ERROR(), e, strlen(e)) != 0) {
    failures++;
    printf("FAIL mem_info past the last device: message \"%s\" does not start with %s\n", LAST_ERROR(), e);
  }
  checks++;
  if (free_bytes != 7 || total_bytes != 9) {
    failures++;
    printf("FAIL mem_info: a failed call wrote its outputs (%llu, %llu)\n", (unsigned long long)free_bytes,
           (unsigned long long)total_bytes);
  }
}
#endif

#ifndef BLUR_TEST_CUDA
static void cpu_only_cases(void) {
  blur_sums a, b;
  memset(&a, 0, sizeof a);
  memset(&b, 0, sizeof b);
  refused("sums_add a=NULL", "blur_sums_add", blur_sums_add(NULL, &b));
  refused("sums_add b=NULL", "blur_sums_add", blur_sums_add(&a, NULL));
  refused("sums_add both NULL", "blur_sums_add", blur_sums_add(NULL, NULL));
  b.dot = 1.5, b.ff = 2.0, b.rr = 3.0, b.nonfinite = 1;
  expect_status("sums_add", blur_sums_add(&a, &b), BLUR_OK);
  checks++;
  if (a.dot != 1.5 || a.ff != 2.0 || a.rr != 3.0 || a.nonfinite != 1) {
    failures++;
    printf("FAIL sums_add: a = (%g, %g, %g, %d)\n", a.dot, a.ff, a.rr, a.nonfinite);
  }
  int before = blur_get_num_threads();
  refused("set_num_threads -1", "blur_set_num_threads", blur_set_num_threads(-1));
  refused("set_num_threads 1025", "blur_set_num_threads", blur_set_num_threads(1025));
  refused("set_num_threads INT32_MAX", "blur_set_num_threads", blur_set_num_threads(INT32_MAX));
  checks++;
  if (blur_get_num_threads() != before) {
    failures++;
    printf("FAIL a refused set_num_threads changed the thread count\n");
  }
  const char* isa = blur_cpu_isa();
  checks++;
  if (isa == NULL || (strcmp(isa, "avx2") != 0 && strcmp(isa, "portable") != 0)) {
    failures++;
    printf("FAIL cpu_isa: %s\n", isa ? isa : "(null)");
  }
}
#endif

int main(void) {
  fill();
  snapshot(pristine);
  expect_status("abi version", ABI_VERSION(), BLUR_ABI_VERSION);
  reduce_cases();
  combine_cases();
  sgd_cases();
  adamw_cases();
  sgd_bf16copy_cases();
  adamw_bf16copy_cases();
  copy_cases();
#ifdef BLUR_TEST_CUDA
  mem_info_cases();
#else
  cpu_only_cases();
#endif
  printf("%s: %d/%d refusal checks passed\n", LIB, checks - failures, checks);
  return failures == 0 ? 0 : 1;
}
