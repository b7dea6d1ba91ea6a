"""The C ABI of native/include/blur.h through ctypes: structs, prototypes, and finding the libraries.

Nothing here knows numpy or torch; kernels.py turns arrays into the pointers these calls take.
"""

import ctypes
import os
import threading

F32, BF16 = 0, 1                      # blur_dtype
OK, ERR_ARGUMENT, ERR_DEVICE = 0, 1, 2  # blur_status
ABI_VERSION = 1                       # the BLUR_ABI_VERSION this binding speaks

CPU_LIBRARY, CUDA_LIBRARY = "libblur.so", "libblur_cuda.so"
# where a user points at a library; the second names are the ones gpu-check.sh has always read
ENV = {CPU_LIBRARY: ("BLUR_NATIVE_LIB", "BLUR_LIB"),
       CUDA_LIBRARY: ("BLUR_NATIVE_CUDA_LIB", "BLUR_CUDA_LIB")}

_PACKAGE = os.path.dirname(os.path.abspath(__file__))
# scripts/python/blur_native → the checkout, when the package runs from its source tree
_CHECKOUT = os.path.dirname(os.path.dirname(os.path.dirname(_PACKAGE)))


class BlurError(RuntimeError):
    """A call the library refused or failed: its status and its own one-sentence message."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


class Sums(ctypes.Structure):
    """blur_sums: d = <g_f,g_r>, F = |g_f|², R = |g_r|² over one shard, and the non-finite flag."""
    _fields_ = [("dot", ctypes.c_double), ("ff", ctypes.c_double), ("rr", ctypes.c_double),
                ("nonfinite", ctypes.c_int32), ("reserved", ctypes.c_int32)]

    def __repr__(self):
        return f"Sums(dot={self.dot!r}, ff={self.ff!r}, rr={self.rr!r}, nonfinite={self.nonfinite})"


class AdamWHyper(ctypes.Structure):
    """blur_adamw; `reserved` stays 0 (the library refuses anything else)."""
    _fields_ = [("lr", ctypes.c_float), ("beta1", ctypes.c_float), ("beta2", ctypes.c_float),
                ("eps", ctypes.c_float), ("weight_decay", ctypes.c_float),
                ("reserved", ctypes.c_int32), ("step", ctypes.c_int64)]


_P, _N, _D, _F, _I = ctypes.c_void_p, ctypes.c_int64, ctypes.c_double, ctypes.c_float, ctypes.c_int
# short name: argument types shared by both libraries (the CUDA ones add a trailing stream)
_KERNELS = {
    "reduce": [_P, _P, _N, _I, ctypes.POINTER(Sums)],
    "combine": [_P, _P, _N, _I, _D, _D, _P],
    "apply_sgd": [_P, _P, _P, _N, _I, _D, _D, _F, _F],
    "apply_adamw": [_P, _P, _P, _P, _P, _N, _I, _D, _D, ctypes.POINTER(AdamWHyper)],
    "copy": [_P, _P, _N],
    # the applies that also write θ's bfloat16 working copy (second argument)
    "apply_sgd_bf16copy": [_P, _P, _P, _P, _N, _I, _D, _D, _F, _F],
    "apply_adamw_bf16copy": [_P, _P, _P, _P, _P, _P, _N, _I, _D, _D, ctypes.POINTER(AdamWHyper)],
}


class Library:
    """One loaded library: `call(name, *args)` runs blur_<name> (or blur_cuda_<name> with the
    stream last) and raises BlurError with the library's message on a non-zero status."""

    def __init__(self, path, cuda):
        self.path, self.cuda = path, cuda
        self.prefix = "blur_cuda_" if cuda else "blur_"
        try:
            self.c = ctypes.CDLL(path)
        except OSError as e:
            raise BlurError(ERR_ARGUMENT, f"cannot load {path}: {e}") from e
        self._functions = {}
        for name, argtypes in _KERNELS.items():
            f = getattr(self.c, self.prefix + name)
            f.restype, f.argtypes = _I, argtypes + ([_P] if cuda else [])
            self._functions[name] = f
        self._last_error = getattr(self.c, self.prefix + "last_error")
        self._last_error.restype, self._last_error.argtypes = ctypes.c_char_p, []
        version = getattr(self.c, self.prefix + "abi_version")()
        if version != ABI_VERSION:
            raise BlurError(ERR_ARGUMENT, f"{path} implements blur ABI {version}, but this "
                                          f"blur_native speaks {ABI_VERSION}: rebuild one of them")
        if cuda:
            self.c.blur_cuda_device_count.restype, self.c.blur_cuda_device_count.argtypes = _I, []
        else:
            self.c.blur_sums_add.restype = _I
            self.c.blur_sums_add.argtypes = [ctypes.POINTER(Sums), ctypes.POINTER(Sums)]
            self.c.blur_set_num_threads.restype, self.c.blur_set_num_threads.argtypes = _I, [_I]
            # the status-returning calls without a stream, callable through call() too
            self._functions["sums_add"] = self.c.blur_sums_add
            self._functions["set_num_threads"] = self.c.blur_set_num_threads
            self.c.blur_get_num_threads.restype, self.c.blur_get_num_threads.argtypes = _I, []
            self.c.blur_cpu_isa.restype, self.c.blur_cpu_isa.argtypes = ctypes.c_char_p, []

    def last_error(self):
        return self._last_error().decode("utf-8", "replace")

    def call(self, name, *args):
        status = self._functions[name](*args)
        if status != OK:
            raise BlurError(status, self.last_error())


def candidates(name):
    """Where `name` is looked for, in order: the environment variables, next to this package,
    then the checkout's build outputs (Maven's target/native/lib, then make's build/)."""
    found = [os.environ[v] for v in ENV[name] if os.environ.get(v)]
    found.append(os.path.join(_PACKAGE, name))
    if os.path.isfile(os.path.join(_CHECKOUT, "native", "include", "blur.h")):  # not once installed
        found.append(os.path.join(_CHECKOUT, "target", "native", "lib", name))
        found.append(os.path.join(_CHECKOUT, "native" if name == CPU_LIBRARY else "cuda", "build", name))
    return found


_loaded = {}
_lock = threading.Lock()


def load(name, path=None):
    """The library `name` (CPU_LIBRARY or CUDA_LIBRARY), loaded once per process: from `path` when
    given (and then it replaces the one loaded before), else from the first of candidates()."""
    with _lock:
        if path is None and name in _loaded:
            return _loaded[name]
        tried = [path] if path is not None else candidates(name)
        for p in tried:
            if os.path.isfile(p):
                _loaded[name] = Library(p, cuda=name == CUDA_LIBRARY)
                return _loaded[name]
        build = "make -C native" if name == CPU_LIBRARY else "make -C cuda (needs nvcc)"
        raise FileNotFoundError(
            f"{name} not found (tried {', '.join(tried)}); build it with `mvn -B -q package "
            f"-DskipTests` or `{build}`, or set ${ENV[name][0]} to its path")
