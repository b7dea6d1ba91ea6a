package org.blurnative.loss;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Losses are computed in float32 or wider: bfloat16/float16 activations are widened first. */
final class Precision {
  private Precision() {}

  static Tensor atLeastFloat(Tensor t) {
    ScalarType type = t.scalar_type().intern();
    return type == ScalarType.Float || type == ScalarType.Double ? t : t.to(ScalarType.Float);
  }
}
