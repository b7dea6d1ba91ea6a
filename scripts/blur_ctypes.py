"""blur_ctypes: the blur.h ABI from Python through ctypes, the drop-in for other trainers.

    from blur_ctypes import load_cuda, AdamW, blur_coefficients
    blur = load_cuda()                            # libblur_cuda.so: CUDA tensors, current stream
    sums = blur.reduce(g_f, g_r)                  # d = <g_f,g_r>, F = |g_f|², R = |g_r|², flag
    if not sums.nonfinite:
        cf, cr = blur_coefficients(sums, gamma=1.0)            # BLUR, eq. 14
        blur.apply_adamw(theta, m, v, g_f, g_r, cf, cr, AdamW(lr=1e-5, step=t))

load_cpu() gives the same methods over libblur.so and host memory: numpy arrays or CPU tensors.
Gradients are float32 or bfloat16 (numpy has no bfloat16: pass the bits as uint16, or an
ml_dtypes.bfloat16 array); θ, m, v and u are float32. Every buffer is 1-D-contiguous with the same
number of elements. torch is imported only when a tensor is passed in, so a numpy-only machine can
use the CPU library.

The raw C functions, with their prototypes declared, are `lib.c.blur_reduce` and so on.
"""

import ctypes
import os
import sys

__all__ = ["F32", "BF16", "OK", "ERR_ARGUMENT", "ERR_DEVICE", "BlurError", "Sums", "AdamW",
           "CpuLibrary", "CudaLibrary", "load_cpu", "load_cuda", "blur_coefficients"]

# blur_dtype and blur_status
F32, BF16 = 0, 1
OK, ERR_ARGUMENT, ERR_DEVICE = 0, 1, 2
ABI_VERSION = 1

_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class BlurError(RuntimeError):
    """A non-zero blur_status, with the library's own sentence (blur_last_error)."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


class Sums(ctypes.Structure):
    """blur_sums: (d, F, R) over one shard and the non-finite flag; 32 bytes on every ABI."""
    _fields_ = [("dot", ctypes.c_double), ("ff", ctypes.c_double), ("rr", ctypes.c_double),
                ("nonfinite", ctypes.c_int32), ("reserved", ctypes.c_int32)]

    def __repr__(self):
        return f"Sums(dot={self.dot!r}, ff={self.ff!r}, rr={self.rr!r}, nonfinite={self.nonfinite})"


class AdamW(ctypes.Structure):
    """blur_adamw; the defaults are torch.optim.AdamW's. `step` counts from 1."""
    _fields_ = [("lr", ctypes.c_float), ("beta1", ctypes.c_float), ("beta2", ctypes.c_float),
                ("eps", ctypes.c_float), ("weight_decay", ctypes.c_float),
                ("reserved", ctypes.c_int32), ("step", ctypes.c_int64)]

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2, step=1):
        super().__init__(lr, beta1, beta2, eps, weight_decay, 0, step)


def blur_coefficients(sums, gamma=1.0):
    """BLUR's (c_f, c_r) = (γ − d/F, 1), with c_f = 0 when F = 0 (DESIGN.md §1, paper eq. 14)."""
    return (gamma - sums.dot / sums.ff if sums.ff > 0 else 0.0), 1.0


# name: (argtypes) shared by both libraries; every function returns a blur_status, and the CUDA
# ones take a trailing cudaStream_t.
_P = ctypes.c_void_p
_PROTOTYPES = {
    "reduce": [_P, _P, ctypes.c_int64, ctypes.c_int, ctypes.POINTER(Sums)],
    "combine": [_P, _P, ctypes.c_int64, ctypes.c_int, ctypes.c_double, ctypes.c_double, _P],
    "apply_sgd": [_P, _P, _P, ctypes.c_int64, ctypes.c_int, ctypes.c_double, ctypes.c_double,
                  ctypes.c_float, ctypes.c_float],
    "apply_adamw": [_P, _P, _P, _P, _P, ctypes.c_int64, ctypes.c_int, ctypes.c_double,
                    ctypes.c_double, ctypes.POINTER(AdamW)],
    "copy": [_P, _P, ctypes.c_int64],
}


class _Buffer:
    """What the C side needs to know about one array: address, length, blur dtype (None when
    neither float32 nor bfloat16), size in bytes, and for tensors the torch device."""
    __slots__ = ("ptr", "numel", "dtype", "nbytes", "device")

    def __init__(self, ptr, numel, dtype, nbytes, device):
        self.ptr, self.numel, self.dtype = ptr, numel, dtype
        self.nbytes, self.device = nbytes, device


def _describe(x, name, writable):
    if hasattr(x, "data_ptr") and hasattr(x, "is_contiguous"):  # a torch.Tensor
        import torch  # already loaded: the caller made a tensor
        if not x.is_contiguous():
            raise ValueError(f"{name} is not contiguous")
        dtype = {torch.float32: F32, torch.bfloat16: BF16}.get(x.dtype)
        return _Buffer(x.data_ptr(), x.numel(), dtype, x.numel() * x.element_size(), x.device)
    if hasattr(x, "__array_interface__"):  # a numpy array
        if not x.flags.c_contiguous:
            raise ValueError(f"{name} is not contiguous")
        if writable and not x.flags.writeable:
            raise ValueError(f"{name} is read-only")
        kind = x.dtype.name
        dtype = F32 if kind == "float32" else BF16 if kind in ("uint16", "bfloat16") else None
        return _Buffer(x.ctypes.data, x.size, dtype, x.nbytes, None)
    raise TypeError(f"{name} is a {type(x).__name__}; expected a torch.Tensor or a numpy array")


class _Library:
    """The five calls both libraries share; subclasses say where the memory must live."""
    prefix = ""
    stream_arg = False

    def __init__(self, path):
        self.path = path
        self.c = ctypes.CDLL(path)
        self._last_error = getattr(self.c, self.prefix + "last_error")
        self._last_error.restype = ctypes.c_char_p
        self._last_error.argtypes = []
        for name, argtypes in _PROTOTYPES.items():
            f = getattr(self.c, self.prefix + name)
            f.restype = ctypes.c_int
            f.argtypes = argtypes + ([_P] if self.stream_arg else [])
        version = getattr(self.c, self.prefix + "abi_version")()
        if version != ABI_VERSION:
            raise BlurError(ERR_ARGUMENT, f"{path} implements blur ABI {version}, "
                                          f"this binding speaks {ABI_VERSION}")

    def last_error(self):
        return self._last_error().decode("utf-8", "replace")

    def call(self, name, *args):
        """Raw call by short name ("reduce"...) with C arguments; raises BlurError on failure."""
        status = getattr(self.c, self.prefix + name)(*args)
        if status != OK:
            raise BlurError(status, self.last_error())

    # -- array-level calls: check what the C side cannot, then call it ---------------------------

    def reduce(self, gf, gr, stream=None):
        """(d, F, R, nonfinite) over g_f and g_r; waits for its own result."""
        f, r = self._gradients(gf, gr)
        out = Sums()
        self._call("reduce", (f, r), stream, f.ptr, r.ptr, f.numel, f.dtype, ctypes.byref(out))
        return out

    def combine(self, gf, gr, cf, cr, u, stream=None):
        """u ← c_f·g_f + c_r·g_r in float32."""
        f, r = self._gradients(gf, gr)
        out = self._state("u", u, f.numel)
        self._call("combine", (f, r, out), stream, f.ptr, r.ptr, f.numel, f.dtype, cf, cr, out.ptr)

    def apply_sgd(self, theta, gf, gr, cf, cr, lr, weight_decay=0.0, stream=None):
        """θ ← θ·(1 − lr·wd) − lr·(c_f·g_f + c_r·g_r)."""
        f, r = self._gradients(gf, gr)
        t = self._state("theta", theta, f.numel)
        self._call("apply_sgd", (f, r, t), stream, t.ptr, f.ptr, r.ptr, f.numel, f.dtype, cf, cr,
                   lr, weight_decay)

    def apply_adamw(self, theta, m, v, gf, gr, cf, cr, hp, stream=None):
        """One AdamW step (hp: AdamW) with u = c_f·g_f + c_r·g_r as the gradient."""
        f, r = self._gradients(gf, gr)
        t, m1, v1 = (self._state(k, x, f.numel) for k, x in (("theta", theta), ("m", m), ("v", v)))
        self._call("apply_adamw", (f, r, t, m1, v1), stream, t.ptr, m1.ptr, v1.ptr, f.ptr, r.ptr,
                   f.numel, f.dtype, cf, cr, ctypes.byref(hp))

    def copy(self, dst, src, stream=None):
        """dst ← src, byte for byte: the bandwidth yardstick."""
        d, s = _describe(dst, "dst", True), _describe(src, "src", False)
        if d.nbytes != s.nbytes:
            raise ValueError(f"dst has {d.nbytes} bytes but src has {s.nbytes}")
        self._call("copy", (d, s), stream, d.ptr, s.ptr, d.nbytes)

    # -- helpers ----------------------------------------------------------------------------------

    def _gradients(self, gf, gr):
        f, r = _describe(gf, "g_f", False), _describe(gr, "g_r", False)
        if f.dtype is None or r.dtype != f.dtype:
            raise TypeError("g_f and g_r must both be float32 or both bfloat16")
        if r.numel != f.numel:
            raise ValueError(f"g_r has {r.numel} elements but g_f has {f.numel}")
        return f, r

    def _state(self, name, x, numel):
        b = _describe(x, name, True)
        if b.dtype != F32:
            raise TypeError(f"{name} must be float32")
        if b.numel != numel:
            raise ValueError(f"{name} has {b.numel} elements but g_f has {numel}")
        return b

    def _call(self, name, buffers, stream, *args):
        raise NotImplementedError


class CpuLibrary(_Library):
    """libblur.so: host memory, OpenMP threads; results independent of the thread count."""
    prefix = "blur_"

    def __init__(self, path):
        super().__init__(path)
        self.c.blur_set_num_threads.argtypes = [ctypes.c_int]
        self.c.blur_get_num_threads.argtypes = []

    def set_num_threads(self, threads):
        """Threads for later calls; 0 restores the OpenMP default."""
        self.call("set_num_threads", threads)

    def get_num_threads(self):
        return self.c.blur_get_num_threads()

    def _call(self, name, buffers, stream, *args):
        for b in buffers:
            if b.device is not None and b.device.type != "cpu":
                raise ValueError(f"libblur.so takes host memory, got a tensor on {b.device}; "
                                 "use load_cuda() for CUDA tensors")
        if stream is not None:
            raise ValueError("libblur.so has no streams")
        self.call(name, *args)


class CudaLibrary(_Library):
    """libblur_cuda.so: CUDA tensors, queued on torch's current stream of their device."""
    prefix = "blur_cuda_"
    stream_arg = True

    def __init__(self, path):
        super().__init__(path)
        self.c.blur_cuda_device_count.argtypes = []

    def device_count(self):
        """Visible CUDA devices; 0 when there is no driver or GPU."""
        return self.c.blur_cuda_device_count()

    def _call(self, name, buffers, stream, *args):
        devices = {b.device for b in buffers}
        device = devices.pop()
        if device is None or device.type != "cuda" or devices:
            where = ", ".join(sorted({str(b.device or "host (numpy)") for b in buffers}))
            raise ValueError(f"libblur_cuda.so takes CUDA tensors on one device, got {where}")
        import torch
        # The kernels run on the current device; make it the tensors' one for the call.
        with torch.cuda.device(device):
            if stream is None:
                stream = torch.cuda.current_stream(device)
            handle = stream.cuda_stream if hasattr(stream, "cuda_stream") else stream
            self.call(name, *args, handle)


def _load(cls, path, env, default, what):
    candidates = [path] if path else [os.environ.get(env), default]
    for p in filter(None, candidates):
        if os.path.exists(p):
            return cls(p)
    tried = ", ".join(filter(None, candidates))
    raise FileNotFoundError(f"{what} not found (tried {tried}); build it with "
                            f"`make -C {'native' if cls is CpuLibrary else 'cuda'}` or set ${env}")


def load_cpu(path=None):
    """libblur.so from `path`, $BLUR_LIB, or this checkout's native/build."""
    return _load(CpuLibrary, path, "BLUR_LIB", os.path.join(_REPO, "native", "build", "libblur.so"),
                 "libblur.so")


def load_cuda(path=None):
    """libblur_cuda.so from `path`, $BLUR_CUDA_LIB, or this checkout's cuda/build."""
    return _load(CudaLibrary, path, "BLUR_CUDA_LIB",
                 os.path.join(_REPO, "cuda", "build", "libblur_cuda.so"), "libblur_cuda.so")


if __name__ == "__main__":
    # python3 scripts/blur_ctypes.py [cpu|cuda] [PATH]: load and say what answered.
    kind = sys.argv[1] if len(sys.argv) > 1 else "cpu"
    lib = (load_cuda if kind == "cuda" else load_cpu)(sys.argv[2] if len(sys.argv) > 2 else None)
    extra = f", {lib.device_count()} device(s)" if kind == "cuda" else \
        f", {lib.get_num_threads()} thread(s)"
    print(f"{lib.path}: blur ABI {ABI_VERSION}{extra}")
