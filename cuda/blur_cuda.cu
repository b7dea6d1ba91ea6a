/*
 * blur_cuda.cu — libblur_cuda.so: the blur.h ABI over device pointers, on the caller's stream.
 *
 * The kernels live in reduce.cuh and apply.cuh. This file is the host side: argument checks, a
 * per-device cache (SM count, kernel occupancy, reduce workspaces), the launchers, and the C entry
 * points, which only name themselves in the error message and forward.
 */
#include <algorithm>         // defines: std::min, std::max
#include <cstdint>           // defines: INT64_MAX, UINTPTR_MAX
#include <cfloat>            // defines: FLT_MAX
#include <cmath>             // defines: std::isfinite, std::pow, std::sqrt
#include <initializer_list>  // defines: the buffer lists of the checks
#include <mutex>             // defines: std::mutex, std::lock_guard
#include <unordered_map>     // defines: the occupancy cache
#include <vector>            // defines: the idle workspace pool

#include "apply.cuh"   // defines: apply_kernel, Direction, CombineUpdate, SgdUpdate, AdamwUpdate, store_theta
#include "reduce.cuh"  // defines: reduce_kernel, reduce_partials_kernel

namespace {

// ----------------------------------------------------------------------------------------------
// argument checks: no CUDA call, so they answer the same on a machine without a GPU

struct Buffer {
  const char* name;
  const void* ptr;
};

// The largest element count accepted: n·4 bytes must be a valid int64_t. Above it, n is a
// corrupted length, not a vector.
constexpr int64_t kMaxElements = INT64_MAX / 4;

// `n` elements of `element_bytes` each in every buffer: non-NULL when there is anything to touch,
// and not wrapping past the top of the address space.
int check_buffers(const char* size_name, int64_t n, int64_t element_bytes,
                  std::initializer_list<Buffer> buffers) {
  if (n < 0) return fail(BLUR_ERR_ARGUMENT, "%s = %lld is negative", size_name, (long long)n);
  // a byte count (copy) may be any int64_t; an element count at most INT64_MAX / 4, as on the CPU
  if (element_bytes > 1 && n > kMaxElements) {
    return fail(BLUR_ERR_ARGUMENT, "%s = %lld exceeds the largest vector an address space holds",
                size_name, (long long)n);
  }
  if (n == 0) return BLUR_OK;  // nothing is read or written, so any pointer will do
  const uintptr_t bytes = uintptr_t(n) * uintptr_t(element_bytes);
  for (const Buffer& b : buffers) {
    if (b.ptr == nullptr) return fail(BLUR_ERR_ARGUMENT, "%s is NULL", b.name);
    // the GPU faults on a misaligned element load, and the fault poisons the caller's context
    if (reinterpret_cast<uintptr_t>(b.ptr) % uintptr_t(element_bytes) != 0) {
      return fail(BLUR_ERR_ARGUMENT, "%s is not aligned to its %d-byte elements", b.name,
                  int(element_bytes));
    }
    if (reinterpret_cast<uintptr_t>(b.ptr) > UINTPTR_MAX - bytes) {
      return fail(BLUR_ERR_ARGUMENT, "%s + %llu bytes runs past the end of the address space",
                  b.name, (unsigned long long)bytes);
    }
  }
  return BLUR_OK;
}

bool overlap(const void* a, uintptr_t a_bytes, const void* b, uintptr_t b_bytes) {
  const uintptr_t pa = reinterpret_cast<uintptr_t>(a), pb = reinterpret_cast<uintptr_t>(b);
  return a_bytes > 0 && b_bytes > 0 && pa < pb + b_bytes && pb < pa + a_bytes;
}

// Outputs are written while other threads still read the inputs: an output overlapping another
// buffer would read values this call already changed. The one overlap the kernels support is an
// output that is exactly a float32 input (each element is read before it is written), which
// `exact_alias_ok` allows. Call after check_buffers.
int check_disjoint(std::initializer_list<Buffer> outputs, uintptr_t output_bytes,
                   std::initializer_list<Buffer> inputs, uintptr_t input_bytes,
                   bool exact_alias_ok) {
  for (const Buffer* o = outputs.begin(); o != outputs.end(); ++o) {
    for (const Buffer* p = o + 1; p != outputs.end(); ++p) {
      if (overlap(o->ptr, output_bytes, p->ptr, output_bytes)) {
        return fail(BLUR_ERR_ARGUMENT, "%s and %s overlap; each output needs its own memory",
                    o->name, p->name);
      }
    }
    for (const Buffer& in : inputs) {
      if (!overlap(o->ptr, output_bytes, in.ptr, input_bytes)) continue;
      if (exact_alias_ok && o->ptr == in.ptr && output_bytes == input_bytes) continue;
      return fail(BLUR_ERR_ARGUMENT, "output %s overlaps input %s%s", o->name, in.name,
                  exact_alias_ok ? " other than as the same float32 buffer" : "");
    }
  }
  return BLUR_OK;
}

int64_t element_bytes(blur_dtype dtype) { return dtype == BLUR_BF16 ? 2 : 4; }

int check_dtype(blur_dtype dtype) {
  if (dtype == BLUR_F32 || dtype == BLUR_BF16) return BLUR_OK;
  return fail(BLUR_ERR_ARGUMENT, "dtype = %d is neither BLUR_F32 (0) nor BLUR_BF16 (1)",
              int(dtype));
}

// Learning rates, weight decay and eps: finite and ≥ 0, the ranges torch.optim accepts too.
int check_nonnegative(const char* name, double x) {
  if (std::isfinite(x) && x >= 0.0) return BLUR_OK;
  return fail(BLUR_ERR_ARGUMENT, "%s = %g must be finite and >= 0", name, x);
}

// c_f and c_r arrive as double but the kernels use them as float32: they must survive the rounding.
int check_coefficient(const char* name, double c) {
  if (std::isfinite(c) && std::fabs(c) <= FLT_MAX) return BLUR_OK;
  return fail(BLUR_ERR_ARGUMENT, "%s = %g is not a finite float32", name, c);
}

int check_beta(const char* name, float beta) {
  if (beta >= 0.0f && beta < 1.0f) return BLUR_OK;
  return fail(BLUR_ERR_ARGUMENT, "%s = %g is outside [0, 1)", name, double(beta));
}

// ----------------------------------------------------------------------------------------------
// per-device cache

constexpr int kMaxDevices = 64;

// What one reduce call needs besides its inputs. Each call holds one until its own stream has
// synchronised; concurrent callers (one host thread per stream) take different ones.
struct Workspace {
  double* partials;       // device, (3, capacity) block partials followed by the (3) totals
  double* totals;         // device, the last 3 doubles of `partials`' allocation
  double* host_totals;    // pinned host (3): the D2H copy lands here without a staging buffer
};

// Cached for the process lifetime, like a cuBLAS handle: freeing at exit would race the
// destruction of the CUDA context.
struct Device {
  int id = -1;
  int sms = 0;                // streaming multiprocessors
  int max_blocks_per_sm = 0;  // hardware limit: bounds every grid, so it sizes the workspace
  std::mutex mutex;           // guards all of the above and below
  std::unordered_map<const void*, int> resident;  // kernel → blocks resident per SM
  std::vector<Workspace> idle;                    // workspaces no call is using
};

Device g_devices[kMaxDevices];

int current_device(Device** out) {
  int id = 0;
  CUDA_CHECK(cudaGetDevice(&id));
  if (id >= kMaxDevices) {
    return fail(BLUR_ERR_DEVICE, "device %d is beyond the %d this library supports", id,
                kMaxDevices);
  }
  Device& dev = g_devices[id];
  std::lock_guard<std::mutex> lock(dev.mutex);
  if (dev.sms == 0) {
    int sms = 0, blocks = 0;
    CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, id));
    CUDA_CHECK(cudaDeviceGetAttribute(&blocks, cudaDevAttrMaxBlocksPerMultiprocessor, id));
    dev.id = id, dev.max_blocks_per_sm = blocks, dev.sms = sms;
  }
  *out = &dev;
  return BLUR_OK;
}

// A kernel that reads a host pointer dies with an illegal address, and that error is sticky: it
// would take the caller's whole CUDA context down. So refuse what is surely not device-accessible,
// and let through what cannot be classified: pageable memory that the device can reach (Grace
// Hopper, HMM) reports "unregistered" with a device address, and an allocation the runtime does not
// know may still be valid; the kernel will say if it is not.
int check_on_device(const Device& dev, std::initializer_list<Buffer> buffers) {
  for (const Buffer& b : buffers) {
    cudaPointerAttributes attr;
    if (cudaPointerGetAttributes(&attr, b.ptr) != cudaSuccess) {
      cudaGetLastError();
      continue;
    }
    if (attr.type == cudaMemoryTypeUnregistered && attr.devicePointer == nullptr) {
      return fail(BLUR_ERR_ARGUMENT, "%s is host memory the GPU cannot reach; libblur_cuda takes "
                  "device pointers (libblur.so takes host ones)", b.name);
    }
    if (attr.type == cudaMemoryTypeDevice && attr.device != dev.id) {
      return fail(BLUR_ERR_ARGUMENT, "%s lives on device %d but the current device is %d", b.name,
                  attr.device, dev.id);
    }
  }
  return BLUR_OK;
}

int acquire_workspace(Device& dev, Workspace* ws) {
  {
    std::lock_guard<std::mutex> lock(dev.mutex);
    if (!dev.idle.empty()) {
      *ws = dev.idle.back();
      dev.idle.pop_back();
      return BLUR_OK;
    }
  }
  const size_t capacity = size_t(dev.sms) * dev.max_blocks_per_sm;  // ≥ any grid we launch
  Workspace fresh{};
  CUDA_CHECK(cudaMalloc(&fresh.partials, (3 * capacity + 3) * sizeof(double)));
  const cudaError_t err = cudaMallocHost(&fresh.host_totals, 3 * sizeof(double));
  if (err != cudaSuccess) {
    cudaFree(fresh.partials);
    return cuda_fail(err, "cudaMallocHost(&fresh.host_totals, 3 * sizeof(double))", __FILE__,
                     __LINE__);
  }
  fresh.totals = fresh.partials + 3 * capacity;
  *ws = fresh;
  return BLUR_OK;
}

void release_workspace(Device& dev, const Workspace& ws) {
  std::lock_guard<std::mutex> lock(dev.mutex);
  dev.idle.push_back(ws);
}

// Grid for a for_each_pair kernel over n elements, `per_thread` at a time (a Pack<T> when
// vectorized, else 1): every SM filled to its occupancy, and no block without work. The grid depends
// only on (device, kernel, n, alignment), never on timing, so the reduction's order is fixed.
int grid_size(Device& dev, const void* kernel, int64_t n, int per_thread, int* grid) {
  int resident = 0;
  {
    std::lock_guard<std::mutex> lock(dev.mutex);
    auto it = dev.resident.find(kernel);
    if (it == dev.resident.end()) {
      CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&resident, kernel, kThreads, 0));
      it = dev.resident.emplace(kernel, std::max(resident, 1)).first;
    }
    resident = it->second;
  }
  const int64_t items = (n + per_thread - 1) / per_thread;
  const int64_t needed = (items + kThreads - 1) / kThreads;
  *grid = int(std::max<int64_t>(1, std::min<int64_t>(needed, int64_t(dev.sms) * resident)));
  return BLUR_OK;
}

// ----------------------------------------------------------------------------------------------
// launchers

template <typename T>
int launch_reduce(Device& dev, const Workspace& ws, const void* gf, const void* gr, int64_t n,
                  bool vectorized, cudaStream_t stream) {
  const auto kernel = reduce_kernel<T>;
  int grid = 0;
  BLUR_TRY(grid_size(dev, reinterpret_cast<const void*>(kernel), n,
                     vectorized ? Pack<T>::size : 1, &grid));
  kernel<<<grid, kThreads, 0, stream>>>(static_cast<const T*>(gf), static_cast<const T*>(gr), n,
                                        vectorized, ws.partials);
  CUDA_CHECK(cudaGetLastError());
  reduce_partials_kernel<<<1, kThreads, 0, stream>>>(ws.partials, grid, ws.totals);
  CUDA_CHECK(cudaGetLastError());
  return BLUR_OK;
}

int reduce_with(Device& dev, const Workspace& ws, const void* gf, const void* gr, int64_t n,
                blur_dtype dtype, blur_sums* out, cudaStream_t stream) {
  const bool vectorized = aligned16(gf) && aligned16(gr);
  BLUR_TRY(dtype == BLUR_F32 ? launch_reduce<float>(dev, ws, gf, gr, n, vectorized, stream)
                             : launch_reduce<bf16>(dev, ws, gf, gr, n, vectorized, stream));
  CUDA_CHECK(cudaMemcpyAsync(ws.host_totals, ws.totals, 3 * sizeof(double),
                             cudaMemcpyDeviceToHost, stream));
  CUDA_CHECK(cudaStreamSynchronize(stream));
  const double dot = ws.host_totals[0], ff = ws.host_totals[1], rr = ws.host_totals[2];
  const bool nonfinite = !std::isfinite(dot) || !std::isfinite(ff) || !std::isfinite(rr);
  *out = blur_sums{dot, ff, rr, nonfinite ? 1 : 0, 0};
  return BLUR_OK;
}

int reduce(const void* gf, const void* gr, int64_t n, blur_dtype dtype, blur_sums* out,
           cudaStream_t stream) {
  if (out == nullptr) return fail(BLUR_ERR_ARGUMENT, "out is NULL");
  BLUR_TRY(check_dtype(dtype));
  BLUR_TRY(check_buffers("n", n, element_bytes(dtype), {{"gf", gf}, {"gr", gr}}));
  if (n == 0) {
    *out = blur_sums{};
    return BLUR_OK;
  }
  Device* dev = nullptr;
  BLUR_TRY(current_device(&dev));
  BLUR_TRY(check_on_device(*dev, {{"gf", gf}, {"gr", gr}}));
  Workspace ws;
  BLUR_TRY(acquire_workspace(*dev, &ws));
  BLUR_TRY(reduce_with(*dev, ws, gf, gr, n, dtype, out, stream));
  // Only a workspace whose stream has synchronised goes back to the pool; after a failure, work
  // queued on it may still be running, so it is dropped (a few KB, on a path that ends the run).
  release_workspace(*dev, ws);
  return BLUR_OK;
}

template <typename T, typename Update>
int launch_apply(Device& dev, const void* gf, const void* gr, int64_t n, bool vectorized,
                 Direction<Update> direction, cudaStream_t stream) {
  const auto kernel = apply_kernel<T, Update>;
  int grid = 0;
  BLUR_TRY(grid_size(dev, reinterpret_cast<const void*>(kernel), n,
                     vectorized ? Pack<T>::size : 1, &grid));
  kernel<<<grid, kThreads, 0, stream>>>(static_cast<const T*>(gf), static_cast<const T*>(gr), n,
                                        vectorized, direction);
  CUDA_CHECK(cudaGetLastError());
  return BLUR_OK;
}

// What combine, apply_sgd and apply_adamw share once their own scalars are checked: the checks of
// the gradients, the coefficients, the float32 `outputs` the update writes and the bf16 working
// `copy` (the _bf16copy entry points), then one launch. `in_place_ok`: an output may be exactly a
// float32 gradient (combine only).
// The bfloat16 working copy of θ that a *_bf16copy entry point writes; the others pass none.
struct WorkingCopy {
  bool wanted;
  void* bits;

  static WorkingCopy none() { return {false, nullptr}; }
  static WorkingCopy of(void* bits) { return {true, bits}; }
};

// The working copy is one more output, of n 2-byte elements: non-NULL, aligned, and clear of the
// float32 `outputs` and of the gradients. Call after check_buffers of those.
int check_working_copy(WorkingCopy copy, int64_t n, std::initializer_list<Buffer> outputs,
                       const void* gf, const void* gr, int64_t gradient_bytes) {
  const Buffer working{"theta_bf16", copy.bits};
  BLUR_TRY(check_buffers("n", n, 2, {working}));
  const uintptr_t bytes = uintptr_t(n) * 2;
  for (const Buffer& o : outputs) {
    if (overlap(working.ptr, bytes, o.ptr, uintptr_t(n) * 4)) {
      return fail(BLUR_ERR_ARGUMENT, "%s and %s overlap; each output needs its own memory",
                  working.name, o.name);
    }
  }
  return check_disjoint({working}, bytes, {{"gf", gf}, {"gr", gr}},
                        uintptr_t(n) * gradient_bytes, false);
}

template <typename Update>
int apply(const void* gf, const void* gr, int64_t n, blur_dtype dtype, double cf, double cr,
          Update update, std::initializer_list<Buffer> outputs, WorkingCopy copy, bool in_place_ok,
          cudaStream_t stream) {
  BLUR_TRY(check_dtype(dtype));
  BLUR_TRY(check_coefficient("cf", cf));
  BLUR_TRY(check_coefficient("cr", cr));
  BLUR_TRY(check_buffers("n", n, element_bytes(dtype), {{"gf", gf}, {"gr", gr}}));
  BLUR_TRY(check_buffers("n", n, 4, outputs));
  BLUR_TRY(check_disjoint(outputs, uintptr_t(n) * 4, {{"gf", gf}, {"gr", gr}},
                          uintptr_t(n) * element_bytes(dtype), in_place_ok && dtype == BLUR_F32));
  if (copy.wanted) BLUR_TRY(check_working_copy(copy, n, outputs, gf, gr, element_bytes(dtype)));
  if (n == 0) return BLUR_OK;
  Device* dev = nullptr;
  BLUR_TRY(current_device(&dev));
  BLUR_TRY(check_on_device(*dev, {{"gf", gf}, {"gr", gr}}));
  BLUR_TRY(check_on_device(*dev, outputs));
  if (copy.wanted) BLUR_TRY(check_on_device(*dev, {{"theta_bf16", copy.bits}}));
  bool vectorized = aligned16(gf) && aligned16(gr) && (!copy.wanted || aligned16(copy.bits));
  for (const Buffer& b : outputs) vectorized = vectorized && aligned16(b.ptr);
  const Direction<Update> direction{cf, cr, update};
  return dtype == BLUR_F32 ? launch_apply<float>(*dev, gf, gr, n, vectorized, direction, stream)
                           : launch_apply<bf16>(*dev, gf, gr, n, vectorized, direction, stream);
}

// Copy: also write the bf16 working copy theta_bf16 (the *_bf16copy entry points).
template <bool Copy>
int apply_sgd(float* theta, void* theta_bf16, const void* gf, const void* gr, int64_t n,
              blur_dtype dtype, double cf, double cr, float lr, float weight_decay,
              cudaStream_t stream) {
  BLUR_TRY(check_nonnegative("lr", lr));
  BLUR_TRY(check_nonnegative("weight_decay", weight_decay));
  const SgdUpdate<Copy> update{theta, static_cast<bf16*>(theta_bf16), lr,
                               float(1.0 - double(lr) * weight_decay)};
  return apply(gf, gr, n, dtype, cf, cr, update, {{"theta", theta}},
               Copy ? WorkingCopy::of(theta_bf16) : WorkingCopy::none(), false, stream);
}

template <bool Copy>
int apply_adamw(float* theta, void* theta_bf16, float* m, float* v, const void* gf, const void* gr,
                int64_t n, blur_dtype dtype, double cf, double cr, const blur_adamw* hp,
                cudaStream_t stream) {
  if (hp == nullptr) return fail(BLUR_ERR_ARGUMENT, "hp is NULL");
  if (hp->reserved != 0) {
    return fail(BLUR_ERR_ARGUMENT, "hp->reserved = %d must be 0 (zero-initialise blur_adamw)",
                int(hp->reserved));
  }
  BLUR_TRY(check_nonnegative("lr", hp->lr));
  BLUR_TRY(check_nonnegative("eps", hp->eps));
  BLUR_TRY(check_nonnegative("weight_decay", hp->weight_decay));
  BLUR_TRY(check_beta("beta1", hp->beta1));
  BLUR_TRY(check_beta("beta2", hp->beta2));
  if (hp->step < 1) {
    return fail(BLUR_ERR_ARGUMENT, "step = %lld; AdamW steps count from 1", (long long)hp->step);
  }
  // Bias corrections in float64 from the float32 hyper-parameters, as torch forms them in Python.
  const double lr = hp->lr, t = double(hp->step);
  const double bc1 = 1.0 - std::pow(double(hp->beta1), t);
  const double bc2 = 1.0 - std::pow(double(hp->beta2), t);
  const AdamwUpdate<Copy> update{theta, static_cast<bf16*>(theta_bf16), m, v,
                           float(1.0 - lr * hp->weight_decay),
                           hp->beta1, float(1.0 - hp->beta1),
                           hp->beta2, float(1.0 - hp->beta2),
                           float(lr / bc1), float(std::sqrt(bc2)), hp->eps};
  return apply(gf, gr, n, dtype, cf, cr, update, {{"theta", theta}, {"m", m}, {"v", v}},
               Copy ? WorkingCopy::of(theta_bf16) : WorkingCopy::none(), false, stream);
}

int copy(void* dst, const void* src, int64_t bytes, cudaStream_t stream) {
  BLUR_TRY(check_buffers("bytes", bytes, 1, {{"dst", dst}, {"src", src}}));
  BLUR_TRY(check_disjoint({{"dst", dst}}, uintptr_t(bytes), {{"src", src}}, uintptr_t(bytes), false));
  if (bytes == 0) return BLUR_OK;
  CUDA_CHECK(cudaMemcpyAsync(dst, src, size_t(bytes), cudaMemcpyDeviceToDevice, stream));
  return BLUR_OK;
}

// cudaMemGetInfo on `device`, which is made current for the query only: the caller's current
// device is restored whatever the query did, so that planning memory never moves its work.
int mem_info(int device, uint64_t* free_bytes, uint64_t* total_bytes) {
  if (free_bytes == nullptr) return fail(BLUR_ERR_ARGUMENT, "free_bytes is NULL");
  if (total_bytes == nullptr) return fail(BLUR_ERR_ARGUMENT, "total_bytes is NULL");
  if (device < 0) return fail(BLUR_ERR_ARGUMENT, "device = %d is negative", device);
  int count = 0;
  CUDA_CHECK(cudaGetDeviceCount(&count));
  if (device >= count) {
    return fail(BLUR_ERR_DEVICE, "device %d does not exist: %d CUDA device%s visible", device,
                count, count == 1 ? " is" : "s are");
  }
  int current = 0;
  CUDA_CHECK(cudaGetDevice(&current));
  CUDA_CHECK(cudaSetDevice(device));
  size_t free_now = 0, total = 0;
  const cudaError_t err = cudaMemGetInfo(&free_now, &total);
  const cudaError_t restored = cudaSetDevice(current);
  if (err != cudaSuccess) return cuda_fail(err, "cudaMemGetInfo(&free_now, &total)", __FILE__, __LINE__);
  if (restored != cudaSuccess) return cuda_fail(restored, "cudaSetDevice(current)", __FILE__, __LINE__);
  *free_bytes = free_now;
  *total_bytes = total;
  return BLUR_OK;
}

// Prefixes a failure's message with the entry point that reports it.
int named(const char* entry, int status) {
  if (status != BLUR_OK) {
    char message[sizeof(g_last_error)];
    memcpy(message, g_last_error, sizeof(message));
    fail(status, "%s: %s", entry, message);
  }
  return status;
}

}  // namespace

// ----------------------------------------------------------------------------------------------
// the C ABI (blur.h)

int blur_cuda_abi_version(void) { return BLUR_ABI_VERSION; }

const char* blur_cuda_last_error(void) { return g_last_error; }

int blur_cuda_device_count(void) {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();  // "no driver" is an answer here, not an error to leave behind
    return 0;
  }
  return count;
}

int blur_cuda_mem_info(int device, uint64_t* free_bytes, uint64_t* total_bytes) {
  return named(__func__, mem_info(device, free_bytes, total_bytes));
}

int blur_cuda_reduce(const void* gf, const void* gr, int64_t n, blur_dtype dtype, blur_sums* out,
                     void* stream) {
  return named(__func__, reduce(gf, gr, n, dtype, out, static_cast<cudaStream_t>(stream)));
}

int blur_cuda_combine(const void* gf, const void* gr, int64_t n, blur_dtype dtype, double cf,
                      double cr, float* u, void* stream) {
  return named(__func__, apply(gf, gr, n, dtype, cf, cr, CombineUpdate{u}, {{"u", u}},
                               WorkingCopy::none(), true,
                               static_cast<cudaStream_t>(stream)));
}

int blur_cuda_apply_sgd(float* theta, const void* gf, const void* gr, int64_t n, blur_dtype dtype,
                        double cf, double cr, float lr, float weight_decay, void* stream) {
  return named(__func__, apply_sgd<false>(theta, nullptr, gf, gr, n, dtype, cf, cr, lr,
                                          weight_decay, static_cast<cudaStream_t>(stream)));
}

int blur_cuda_apply_sgd_bf16copy(float* theta, uint16_t* theta_bf16, const void* gf,
                                 const void* gr, int64_t n, blur_dtype dtype, double cf, double cr,
                                 float lr, float weight_decay, void* stream) {
  return named(__func__, apply_sgd<true>(theta, theta_bf16, gf, gr, n, dtype, cf, cr, lr,
                                         weight_decay, static_cast<cudaStream_t>(stream)));
}

int blur_cuda_apply_adamw(float* theta, float* m, float* v, const void* gf, const void* gr,
                          int64_t n, blur_dtype dtype, double cf, double cr,
                          const blur_adamw* hp, void* stream) {
  return named(__func__, apply_adamw<false>(theta, nullptr, m, v, gf, gr, n, dtype, cf, cr, hp,
                                            static_cast<cudaStream_t>(stream)));
}

int blur_cuda_apply_adamw_bf16copy(float* theta, uint16_t* theta_bf16, float* m, float* v,
                                   const void* gf, const void* gr, int64_t n, blur_dtype dtype,
                                   double cf, double cr, const blur_adamw* hp, void* stream) {
  return named(__func__, apply_adamw<true>(theta, theta_bf16, m, v, gf, gr, n, dtype, cf, cr, hp,
                                           static_cast<cudaStream_t>(stream)));
}

int blur_cuda_copy(void* dst, const void* src, int64_t bytes, void* stream) {
  return named(__func__, copy(dst, src, bytes, static_cast<cudaStream_t>(stream)));
}
