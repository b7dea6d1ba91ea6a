"""blur_native: the fused BLUR update (DESIGN.md §1–2) for Python trainers, over libblur.so
(host memory) and libblur_cuda.so (CUDA tensors, torch's current stream), with no compiler.

    import blur_native
    sums = blur_native.reduce(g_f, g_r)                    # d, F, R in float64 (numpy or torch)
    opt = blur_native.BlurAdamW(model.parameters(), lr=1e-5, rule="blur", gamma=1.0)
    grads = opt.gradients()                                # FlatGradients: .grad views into G_f, G_r
    ...; diagnostics = opt.step()                          # reduce → (c_f, c_r) → fused AdamW

The libraries are found by an explicit blur_native.load_library(path), $BLUR_NATIVE_LIB /
$BLUR_NATIVE_CUDA_LIB, next to this package, or in the checkout's target/native/lib (the Maven
build) and native/build, cuda/build (make). torch is imported by the optimizer and buffer modules
only; blur_native.hf (the Hugging Face Trainer integration) imports transformers when used.
docs/python.md has the whole story.
"""

from ._abi import ABI_VERSION, BF16, CPU_LIBRARY, CUDA_LIBRARY, F32, BlurError, Sums
from ._abi import load as _load
from .kernels import (apply_adamw, apply_sgd, combine, copy, cpu_isa, cuda_device_count,
                      get_num_threads, reduce, set_num_threads, sums_add)
from .rules import (BlurRule, CaGradRule, Coefficients, Diagnostics, MinNormRule,
                    NormalizedDifferenceRule, PcGradRule, Rule, ScaleInvariantBlurRule,
                    SwappedBlurRule, WeightedSumRule, rule)

__version__ = "0.1.0"


def load_library(path=None, cuda=False):
    """Loads libblur.so (or, with cuda=True, libblur_cuda.so) from `path`, replacing any loaded
    before, or finds it as described above; returns the path actually loaded."""
    return _load(CUDA_LIBRARY if cuda else CPU_LIBRARY, path).path


def __getattr__(name):
    # torch-dependent parts load on first use, so numpy alone can drive the kernels
    if name in ("FlatGradients", "FlatParameters"):
        from . import flat
        return getattr(flat, name)
    if name in ("BlurAdamW", "BlurSGD", "NonFiniteStepsError"):
        from . import optim
        return getattr(optim, name)
    raise AttributeError(f"module 'blur_native' has no attribute {name!r}")
