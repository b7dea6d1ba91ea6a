/**
 * The fused BLUR step for other JVM trainers: hand over the two flat gradient buffers of a step,
 * G_f and G_r, and get θ updated and the step's diagnostics back (DESIGN.md §2, steps 5–7).
 *
 * <pre>{@code
 * FloatBuffer theta = ...;                       // direct, native order: the trainer's flat θ
 * try (BlurOptimizer opt = BlurOptimizer.builder()
 *         .rule(new BlurRule(1.0))               // BLUR, eq. 14; any update.UpdateRule
 *         .adamW(OptimizerSettings.AdamW.defaults())
 *         .clip(1.0)                             // ‖u‖ ≤ 1; none by default
 *         .over(theta)) {
 *   StepResult r = opt.step(gradForget, gradRetain, 1e-5);   // FloatBuffers or Tensors
 *   if (r.skipped()) { ... }                    // non-finite gradients: θ untouched
 *   double alignment = r.diagnostics().forgetAlignment();    // γ for BLUR
 * }
 * }</pre>
 *
 * <p>Buffers are LibTorch tensors (flat, contiguous, on the CPU; gradients float32 or bfloat16, θ
 * float32) or direct {@link java.nio.FloatBuffer}s in native byte order (their remaining
 * elements; float32). Nothing is copied: the kernels read and write the caller's memory. The
 * kernel is libblur.so ({@link org.blurnative.kernel.Backend#CPU}), falling back to LibTorch ops
 * with a one-line warning where it cannot load; the C library itself is documented in
 * docs/c-api.md.
 */
package org.blurnative.api;
