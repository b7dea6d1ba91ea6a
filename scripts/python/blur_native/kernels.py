"""The four kernels of blur.h on numpy arrays and torch tensors, with no copies.

Host memory (numpy arrays, CPU tensors) goes to libblur.so; CUDA tensors go to libblur_cuda.so,
queued on torch's current stream of their device. Gradients are float32 or bfloat16 (numpy has
no bfloat16: pass its bits as uint16, or an ml_dtypes.bfloat16 array); θ, m, v and u are float32.
Every buffer is contiguous and holds the same number of elements (its shape does not matter).
What is wrong with an argument is a TypeError or ValueError naming it, raised before any call;
what the library refuses is a BlurError with its message. torch is imported only when a tensor is
passed in, so numpy alone can drive the CPU library.
"""

import ctypes

from . import _abi
from ._abi import BF16, F32, AdamWHyper, BlurError, Sums

__all__ = ["reduce", "combine", "apply_sgd", "apply_adamw", "copy", "sums_add", "set_num_threads",
           "get_num_threads", "cpu_isa", "cuda_device_count", "Sums", "BlurError"]


class _Buffer:
    """What the C side needs of one array: address, element count, blur dtype (None for any other
    dtype), and the torch device (None for numpy)."""
    __slots__ = ("name", "ptr", "numel", "dtype", "device", "what")

    def __init__(self, name, ptr, numel, dtype, device, what):
        self.name, self.ptr, self.numel, self.dtype = name, ptr, numel, dtype
        self.device, self.what = device, what


def _is_tensor(x):
    return type(x).__module__.startswith("torch") and hasattr(x, "data_ptr")


def _describe(x, name, writable):
    if _is_tensor(x):
        import torch  # already imported by whoever made the tensor
        if x.is_sparse or x.layout != torch.strided:
            raise TypeError(f"{name} is a {x.layout} tensor; blur_native takes dense tensors")
        if not x.is_contiguous():
            raise ValueError(f"{name} is not contiguous (strides {tuple(x.stride())}); "
                             f"pass {name}.contiguous() or a flat buffer")
        dtype = {torch.float32: F32, torch.bfloat16: BF16}.get(x.dtype)
        return _Buffer(name, x.data_ptr(), x.numel(), dtype, x.device, str(x.dtype))
    if hasattr(x, "__array_interface__") and hasattr(x, "flags"):  # a numpy array
        if not x.flags.c_contiguous:
            raise ValueError(f"{name} is not contiguous; pass numpy.ascontiguousarray({name})")
        if writable and not x.flags.writeable:
            raise ValueError(f"{name} is read-only, but the kernel writes it")
        kind = x.dtype.name
        dtype = F32 if kind == "float32" else BF16 if kind in ("uint16", "bfloat16") else None
        return _Buffer(name, x.ctypes.data, x.size, dtype, None, f"numpy {kind}")
    raise TypeError(f"{name} is a {type(x).__name__}; expected a torch.Tensor or a numpy array")


def _gradients(gf, gr):
    f, r = _describe(gf, "g_f", False), _describe(gr, "g_r", False)
    for b in (f, r):
        if b.dtype is None:
            raise TypeError(f"{b.name} is {b.what}; gradients must be float32 or bfloat16")
    if f.dtype != r.dtype:
        raise TypeError(f"g_f is {f.what} but g_r is {r.what}; both must have one dtype")
    if f.numel != r.numel:
        raise ValueError(f"g_r has {r.numel} elements but g_f has {f.numel}")
    return f, r


def _float32(name, x, numel):
    b = _describe(x, name, True)
    if b.dtype != F32:
        raise TypeError(f"{name} is {b.what}; it must be float32")
    if b.numel != numel:
        raise ValueError(f"{name} has {b.numel} elements but g_f has {numel}")
    return b


def _working_copy(x, numel):
    """θ's bfloat16 working copy: torch.bfloat16, or its bits as numpy uint16/bfloat16."""
    b = _describe(x, "theta_bf16", True)
    if b.dtype != BF16:
        raise TypeError(f"theta_bf16 is {b.what}; it must be bfloat16 (or its bits as uint16)")
    if b.numel != numel:
        raise ValueError(f"theta_bf16 has {b.numel} elements but g_f has {numel}")
    return b


def _run(name, buffers, *args):
    """Calls blur_<name> on the library that owns the buffers' memory."""
    devices = {b.device for b in buffers}
    if len(devices) > 1:
        where = ", ".join(f"{b.name} on {b.device or 'the host (numpy)'}" for b in buffers)
        raise ValueError(f"buffers live on different devices: {where}")
    device = devices.pop()
    if device is None or device.type == "cpu":
        _abi.load(_abi.CPU_LIBRARY).call(name, *args)
        return
    if device.type != "cuda":
        raise ValueError(f"{buffers[0].name} is on {device}; blur_native runs on the CPU and CUDA")
    import torch
    lib = _abi.load(_abi.CUDA_LIBRARY)
    with torch.cuda.device(device):  # the kernels run on the current device
        lib.call(name, *args, torch.cuda.current_stream(device).cuda_stream)


def reduce(gf, gr):
    """Sums(dot=d, ff=F, rr=R, nonfinite) over g_f and g_r: float64, deterministic; on CUDA it
    waits for its own result on the current stream."""
    f, r = _gradients(gf, gr)
    out = Sums()
    _run("reduce", (f, r), f.ptr, r.ptr, f.numel, f.dtype, ctypes.byref(out))
    return out


def combine(gf, gr, cf, cr, u):
    """u ← c_f·g_f + c_r·g_r, formed in float64, rounded to float32 once. u may be g_f or g_r
    itself when they are float32."""
    f, r = _gradients(gf, gr)
    out = _float32("u", u, f.numel)
    _run("combine", (f, r, out), f.ptr, r.ptr, f.numel, f.dtype, float(cf), float(cr), out.ptr)


def _with_working_copy(name, theta_bf16, numel, buffers, theta_ptr):
    """The entry point, its buffers and its leading pointers: blur_<name>(θ, ...), or with a
    working copy blur_<name>_bf16copy(θ, θ_bf16, ...), which also writes θ_bf16 = RNE(new θ)."""
    if theta_bf16 is None:
        return name, buffers, (theta_ptr,)
    w = _working_copy(theta_bf16, numel)
    return name + "_bf16copy", buffers + (w,), (theta_ptr, w.ptr)


def apply_sgd(theta, gf, gr, cf, cr, lr, weight_decay=0.0, theta_bf16=None):
    """θ ← θ·(1 − lr·wd) − lr·(c_f·g_f + c_r·g_r): the paper's eq. 15. With `theta_bf16` (a
    bfloat16 buffer as long as θ) the same pass also writes θ's bf16 working copy, the
    round-to-nearest-even of the new θ (bf16 mixed precision)."""
    f, r = _gradients(gf, gr)
    t = _float32("theta", theta, f.numel)
    name, buffers, lead = _with_working_copy("apply_sgd", theta_bf16, f.numel, (f, r, t), t.ptr)
    _run(name, buffers, *lead, f.ptr, r.ptr, f.numel, f.dtype, float(cf), float(cr),
         float(lr), float(weight_decay))


def apply_adamw(theta, m, v, gf, gr, cf, cr, lr, step, betas=(0.9, 0.999), eps=1e-8,
                weight_decay=1e-2, theta_bf16=None):
    """One torch.optim.AdamW step (decoupled weight decay, bias correction; defaults are its own)
    with u = c_f·g_f + c_r·g_r as the gradient; `step` counts from 1; m and v are float32 state.
    `theta_bf16`: as in apply_sgd, the bf16 working copy written in the same pass."""
    f, r = _gradients(gf, gr)
    t, m1, v1 = (_float32(k, x, f.numel) for k, x in (("theta", theta), ("m", m), ("v", v)))
    hp = AdamWHyper(lr=lr, beta1=betas[0], beta2=betas[1], eps=eps, weight_decay=weight_decay,
                    reserved=0, step=int(step))
    name, buffers, lead = _with_working_copy("apply_adamw", theta_bf16, f.numel,
                                             (f, r, t, m1, v1), t.ptr)
    _run(name, buffers, *lead, m1.ptr, v1.ptr, f.ptr, r.ptr, f.numel, f.dtype,
         float(cf), float(cr), ctypes.byref(hp))


def copy(dst, src):
    """dst ← src byte for byte, with the kernels' threads (or on the current stream): the
    bandwidth yardstick the benchmarks compare the kernels with."""
    d, s = _describe(dst, "dst", True), _describe(src, "src", False)
    nbytes = [b.numel * (2 if b.dtype == BF16 else 4) for b in (d, s)]
    if None in (d.dtype, s.dtype) or nbytes[0] != nbytes[1]:
        raise ValueError("dst and src must be float32 or bfloat16 buffers of the same size in bytes")
    _run("copy", (d, s), d.ptr, s.ptr, nbytes[0])


def cuda_device_count():
    """CUDA devices libblur_cuda.so sees (0 without a driver or GPU)."""
    return _abi.load(_abi.CUDA_LIBRARY).c.blur_cuda_device_count()


def sums_add(a, b):
    """a + b as blur_sums_add forms it (doubles added in this order, flags OR-ed), as a new Sums."""
    for name, x in (("a", a), ("b", b)):
        if not isinstance(x, Sums):
            raise TypeError(f"{name} is a {type(x).__name__}; expected blur_native.Sums")
    total = Sums(a.dot, a.ff, a.rr, a.nonfinite, 0)
    _abi.load(_abi.CPU_LIBRARY).call("sums_add", ctypes.byref(total), ctypes.byref(b))
    return total


def set_num_threads(threads):
    """Threads libblur.so uses from now on (0: OpenMP's default); results do not depend on it."""
    _abi.load(_abi.CPU_LIBRARY).call("set_num_threads", int(threads))


def get_num_threads():
    return _abi.load(_abi.CPU_LIBRARY).c.blur_get_num_threads()


def cpu_isa():
    """The kernels libblur.so chose at run time: "avx2" or "portable"."""
    return _abi.load(_abi.CPU_LIBRARY).c.blur_cpu_isa().decode()
