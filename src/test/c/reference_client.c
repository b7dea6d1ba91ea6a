/*
 * reference_client.c — a plain C user of libblur.so, as another trainer would link it: reads g_f,
 * g_r and θ from files, runs every entry point, writes what they returned. CProgramTest compares
 * the outputs with the Java reference kernel on the same inputs.
 *
 *   reference_client DIR N DTYPE CF CR LR WEIGHT_DECAY STEPS
 *
 * DIR holds gf.bin and gr.bin (N elements of DTYPE: 0 float32, 1 bfloat16 bits) and theta.bin (N
 * float32), all little-endian. Writes into DIR: sums.txt ("d F R nonfinite", %.17g: exact
 * round trip), u.bin (combine), sgd.bin (θ after STEPS apply_sgd calls) and adamw_theta.bin,
 * adamw_m.bin, adamw_v.bin (θ, m, v after STEPS apply_adamw calls from m = v = 0, betas 0.9 and
 * 0.999, eps 1e-3), each call with the same gradients, coefficients, lr and weight decay: the
 * layout of ReferenceCase.java, which writes the Java reference's outputs beside them.
 * Exit status: 0, 1 for a library error (its message on stderr), 2 for bad usage or I/O.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blur.h"

static const char* dir;

static void die(const char* what, const char* detail) {
  fprintf(stderr, "reference_client: %s: %s\n", what, detail);
  exit(2);
}

static void check(int status, const char* call) {
  if (status != BLUR_OK) {
    fprintf(stderr, "reference_client: %s failed (%d): %s\n", call, status, blur_last_error());
    exit(1);
  }
}

static char* path(const char* name) {
  static char buf[4096];
  snprintf(buf, sizeof buf, "%s/%s", dir, name);
  return buf;
}

/* malloc(0) may return NULL: every buffer gets at least one byte, so NULL means out of memory */
static void* allocate(size_t bytes) {
  void* p = malloc(bytes > 0 ? bytes : 1);
  if (p == NULL) die("malloc", strerror(errno));
  return p;
}

static void* read_file(const char* name, size_t bytes) {
  void* buf = allocate(bytes);
  FILE* f = fopen(path(name), "rb");
  if (f == NULL) die(path(name), strerror(errno));
  if (fread(buf, 1, bytes, f) != bytes) die(path(name), "shorter than expected");
  fclose(f);
  return buf;
}

static void write_file(const char* name, const void* buf, size_t bytes) {
  FILE* f = fopen(path(name), "wb");
  if (f == NULL || fwrite(buf, 1, bytes, f) != bytes || fclose(f) != 0) die(path(name), strerror(errno));
}

int main(int argc, char** argv) {
  if (argc != 9) die("usage", "reference_client DIR N DTYPE CF CR LR WEIGHT_DECAY STEPS");
  dir = argv[1];
  int64_t n = strtoll(argv[2], NULL, 10);
  blur_dtype dtype = (blur_dtype)atoi(argv[3]);
  double cf = strtod(argv[4], NULL), cr = strtod(argv[5], NULL);
  float lr = strtof(argv[6], NULL), weight_decay = strtof(argv[7], NULL);
  int steps = atoi(argv[8]);
  if (n < 0 || steps < 1) die("usage", "N must be >= 0 and STEPS >= 1");
  size_t gradient_bytes = (size_t)n * (dtype == BLUR_BF16 ? 2 : 4), float_bytes = (size_t)n * 4;

  const void* gf = read_file("gf.bin", gradient_bytes);
  const void* gr = read_file("gr.bin", gradient_bytes);
  float* theta = read_file("theta.bin", float_bytes);

  blur_sums sums;
  check(blur_reduce(gf, gr, n, dtype, &sums), "blur_reduce");
  FILE* f = fopen(path("sums.txt"), "w");
  if (f == NULL) die(path("sums.txt"), strerror(errno));
  fprintf(f, "%.17g %.17g %.17g %d\n", sums.dot, sums.ff, sums.rr, sums.nonfinite);
  fclose(f);

  float* u = allocate(float_bytes);
  check(blur_combine(gf, gr, n, dtype, cf, cr, u), "blur_combine");
  write_file("u.bin", u, float_bytes);

  float* sgd = allocate(float_bytes);
  memcpy(sgd, theta, float_bytes);
  for (int t = 0; t < steps; t++) check(blur_apply_sgd(sgd, gf, gr, n, dtype, cf, cr, lr, weight_decay), "blur_apply_sgd");
  write_file("sgd.bin", sgd, float_bytes);

  float* m = calloc(n > 0 ? (size_t)n : 1, 4);
  float* v = calloc(n > 0 ? (size_t)n : 1, 4);
  if (m == NULL || v == NULL) die("calloc", strerror(errno));
  blur_adamw hp = {0};  /* reserved must be 0 */
  hp.lr = lr, hp.beta1 = 0.9f, hp.beta2 = 0.999f, hp.eps = 1e-3f, hp.weight_decay = weight_decay;
  for (int t = 1; t <= steps; t++) {
    hp.step = t;
    check(blur_apply_adamw(theta, m, v, gf, gr, n, dtype, cf, cr, &hp), "blur_apply_adamw");
  }
  write_file("adamw_theta.bin", theta, float_bytes);
  write_file("adamw_m.bin", m, float_bytes);
  write_file("adamw_v.bin", v, float_bytes);
  return 0;
}
