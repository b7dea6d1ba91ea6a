/**
 * What is trained: the LLaMA-family decoder over LibTorch ({@link org.blurnative.model.LlamaModel}),
 * Hugging Face config.json ({@link org.blurnative.model.ModelConfig}) and safetensors
 * ({@link org.blurnative.model.SafeTensors}) I/O, batched generation with a KV cache, and the flat
 * buffers the fused kernels work on ({@link org.blurnative.model.FlatParameters} for θ,
 * {@link org.blurnative.model.FlatGradients} for g_f and g_r, both laid out by
 * {@link org.blurnative.model.ParameterLayout}).
 */
package org.blurnative.model;
