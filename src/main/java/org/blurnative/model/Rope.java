package org.blurnative.model;

import static org.bytedeco.pytorch.global.torch.ScalarType;
import static org.bytedeco.pytorch.global.torch.arange;
import static org.bytedeco.pytorch.global.torch.cat;
import static org.bytedeco.pytorch.global.torch.pow;
import static org.bytedeco.pytorch.global.torch.rsub;
import static org.bytedeco.pytorch.global.torch.where;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;

/**
 * Rotary position embeddings in Hugging Face's rotate_half convention: channel i pairs with
 * channel i + head_dim/2, and both halves share the frequency inv_freq[i].
 */
final class Rope {
  private Rope() {}

  /**
   * inv_freq (head_dim/2) float32 on the CPU, computed op for op as transformers'
   * _compute_default_rope_parameters and _compute_llama3_parameters do, so that LibTorch's
   * float32 kernels round exactly as PyTorch's.
   */
  static Tensor inverseFrequencies(ModelConfig c) {
    int dim = c.headDim();
    // 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.int64).float() / dim));
    // Python evaluates `1.0 / t` as t.reciprocal() * 1.0
    Tensor exponents = arange(new Scalar(0), new Scalar(dim), new Scalar(2),
        new TensorOptions(ScalarType.Long)).to(ScalarType.Float).div(new Scalar((long) dim));
    Tensor invFreq = pow(new Scalar(c.ropeTheta()), exponents).reciprocal();
    ModelConfig.RopeScaling s = c.ropeScaling();
    if (s == null) {
      return invFreq;
    }
    double factor = s.factor();
    double low = s.lowFreqFactor();
    double high = s.highFreqFactor();
    int oldContext = s.originalMaxPositionEmbeddings();
    double lowFreqWavelen = oldContext / low;
    double highFreqWavelen = oldContext / high;

    Tensor wavelen = invFreq.reciprocal().mul(new Scalar(2 * Math.PI));  // 2 * math.pi / inv_freq
    // wavelen > low_freq_wavelen: divide by factor; wavelen < high_freq_wavelen: keep
    Tensor invFreqLlama =
        where(wavelen.gt(new Scalar(lowFreqWavelen)), invFreq.div(new Scalar(factor)), invFreq);
    // otherwise interpolate: smooth = (old_context_len / wavelen - low) / (high - low)
    Tensor smooth = wavelen.reciprocal().mul(new Scalar((long) oldContext))
        .sub(new Scalar(low)).div(new Scalar(high - low));
    Tensor smoothed = rsub(smooth, new Scalar(1L)).mul(invFreqLlama).div(new Scalar(factor))
        .add(smooth.mul(invFreqLlama));
    Tensor isMedium = wavelen.lt(new Scalar(highFreqWavelen)).logical_not()
        .logical_and(wavelen.gt(new Scalar(lowFreqWavelen)).logical_not());
    return where(isMedium, smoothed, invFreqLlama);
  }

  /**
   * cos and sin (B, 1, T, head_dim) in {@code dtype}, for position ids (B, T); formed in float32
   * as transformers' LlamaRotaryEmbedding.forward does, then cast.
   */
  static Tensor[] cosSin(Tensor invFreq, Tensor positionIds, ScalarType dtype) {
    Tensor freqs = positionIds.to(ScalarType.Float).unsqueeze(-1).mul(invFreq);  // (B, T, hd/2)
    Tensor emb = cat(new TensorVector(freqs, freqs), -1);                       // (B, T, hd)
    Tensor cos = emb.cos().to(dtype).unsqueeze(1);
    Tensor sin = emb.sin().to(dtype).unsqueeze(1);
    return new Tensor[] {cos, sin};
  }

  /** x·cos + rotate_half(x)·sin, x (B, heads, T, head_dim). */
  static Tensor apply(Tensor x, Tensor cos, Tensor sin) {
    long half = x.size(-1) / 2;
    Tensor x1 = x.narrow(-1, 0, half);
    Tensor x2 = x.narrow(-1, half, half);
    Tensor rotated = cat(new TensorVector(x2.neg(), x1), -1);  // rotate_half: (-x2, x1)
    return x.mul(cos).add(rotated.mul(sin));
  }
}
