// blur_cuda_dlopen.h — binds libblur_cuda.so at run time for the Java `cuda` backend
// (defines: blur_cuda_open and one forwarding function per blur_cuda_* entry point).
//
// Why dlopen rather than linking: the JNI glue is built on every machine, but libblur_cuda.so
// exists only where nvcc is installed. Linking would make the whole JNI build depend on nvcc;
// opening it on demand lets a build without nvcc ship everything else, and lets the Java side say
// in one sentence why `cuda` is unavailable.
#pragma once

#include <dlfcn.h>

#include <cstdio>

#include "blur.h"

namespace blur_cuda_dl {

struct Api {
  decltype(&blur_cuda_abi_version) abi_version;
  decltype(&blur_cuda_last_error) last_error;
  decltype(&blur_cuda_device_count) device_count;
  decltype(&blur_cuda_mem_info) mem_info;
  decltype(&blur_cuda_reduce) reduce;
  decltype(&blur_cuda_combine) combine;
  decltype(&blur_cuda_apply_sgd) apply_sgd;
  decltype(&blur_cuda_apply_adamw) apply_adamw;
  decltype(&blur_cuda_apply_sgd_bf16copy) apply_sgd_bf16copy;
  decltype(&blur_cuda_apply_adamw_bf16copy) apply_adamw_bf16copy;
  decltype(&blur_cuda_copy) copy;
};

inline Api api{};
inline char open_error[512] = "libblur_cuda.so has not been opened";

template <class F>
bool resolve(void* handle, const char* name, F& slot) {
  slot = reinterpret_cast<F>(dlsym(handle, name));
  if (slot == nullptr) std::snprintf(open_error, sizeof open_error, "%s lacks symbol %s", "libblur_cuda.so", name);
  return slot != nullptr;
}

}  // namespace blur_cuda_dl

// Opens the library at `path`; returns nullptr on success or a one-sentence reason.
inline const char* blur_cuda_open(const char* path) {
  using namespace blur_cuda_dl;
  if (api.reduce != nullptr) return nullptr;
  void* handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    std::snprintf(open_error, sizeof open_error, "cannot open %s: %s", path, dlerror());
    return open_error;
  }
  Api found{};
  bool ok = resolve(handle, "blur_cuda_abi_version", found.abi_version) &&
            resolve(handle, "blur_cuda_last_error", found.last_error) &&
            resolve(handle, "blur_cuda_device_count", found.device_count) &&
            resolve(handle, "blur_cuda_mem_info", found.mem_info) &&
            resolve(handle, "blur_cuda_reduce", found.reduce) &&
            resolve(handle, "blur_cuda_combine", found.combine) &&
            resolve(handle, "blur_cuda_apply_sgd", found.apply_sgd) &&
            resolve(handle, "blur_cuda_apply_adamw", found.apply_adamw) &&
            resolve(handle, "blur_cuda_apply_sgd_bf16copy", found.apply_sgd_bf16copy) &&
            resolve(handle, "blur_cuda_apply_adamw_bf16copy", found.apply_adamw_bf16copy) &&
            resolve(handle, "blur_cuda_copy", found.copy);
  if (!ok) return open_error;
  if (found.abi_version() != BLUR_ABI_VERSION) {
    std::snprintf(open_error, sizeof open_error, "%s has ABI version %d, this build expects %d", path,
                  found.abi_version(), BLUR_ABI_VERSION);
    return open_error;
  }
  api = found;
  return nullptr;
}

// The forwarding functions JNI calls; valid only after blur_cuda_open succeeded.
inline const char* blur_cuda_dl_last_error() { return blur_cuda_dl::api.last_error(); }
inline int blur_cuda_dl_device_count() { return blur_cuda_dl::api.device_count(); }
inline int blur_cuda_dl_mem_info(int device, uint64_t* free_bytes, uint64_t* total_bytes) {
  return blur_cuda_dl::api.mem_info(device, free_bytes, total_bytes);
}
inline int blur_cuda_dl_reduce(const void* gf, const void* gr, int64_t n, blur_dtype dtype,
                               blur_sums* out, void* stream) {
  return blur_cuda_dl::api.reduce(gf, gr, n, dtype, out, stream);
}
inline int blur_cuda_dl_combine(const void* gf, const void* gr, int64_t n, blur_dtype dtype,
                                double cf, double cr, float* u, void* stream) {
  return blur_cuda_dl::api.combine(gf, gr, n, dtype, cf, cr, u, stream);
}
inline int blur_cuda_dl_apply_sgd(float* theta, const void* gf, const void* gr, int64_t n,
                                  blur_dtype dtype, double cf, double cr, float lr,
                                  float weight_decay, void* stream) {
  return blur_cuda_dl::api.apply_sgd(theta, gf, gr, n, dtype, cf, cr, lr, weight_decay, stream);
}
inline int blur_cuda_dl_apply_adamw(float* theta, float* m, float* v, const void* gf,
                                    const void* gr, int64_t n, blur_dtype dtype, double cf,
                                    double cr, const blur_adamw* hp, void* stream) {
  return blur_cuda_dl::api.apply_adamw(theta, m, v, gf, gr, n, dtype, cf, cr, hp, stream);
}
inline int blur_cuda_dl_apply_sgd_bf16copy(float* theta, uint16_t* theta_bf16, const void* gf,
                                           const void* gr, int64_t n, blur_dtype dtype, double cf,
                                           double cr, float lr, float weight_decay, void* stream) {
  return blur_cuda_dl::api.apply_sgd_bf16copy(theta, theta_bf16, gf, gr, n, dtype, cf, cr, lr,
                                              weight_decay, stream);
}
inline int blur_cuda_dl_apply_adamw_bf16copy(float* theta, uint16_t* theta_bf16, float* m,
                                             float* v, const void* gf, const void* gr, int64_t n,
                                             blur_dtype dtype, double cf, double cr,
                                             const blur_adamw* hp, void* stream) {
  return blur_cuda_dl::api.apply_adamw_bf16copy(theta, theta_bf16, m, v, gf, gr, n, dtype, cf, cr,
                                                hp, stream);
}
inline int blur_cuda_dl_copy(void* dst, const void* src, int64_t bytes, void* stream) {
  return blur_cuda_dl::api.copy(dst, src, bytes, stream);
}
