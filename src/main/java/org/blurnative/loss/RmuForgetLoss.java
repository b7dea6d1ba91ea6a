package org.blurnative.loss;

import java.util.Set;
import java.util.SplittableRandom;
import org.bytedeco.pytorch.AbstractTensor;
import org.bytedeco.pytorch.Tensor;

/**
 * Forget, RMU: ‖M_l(x; θ) − c·u‖², pushing layer l's activations on forget text towards a fixed
 * random direction u (a seeded unit vector) scaled by the steering coefficient c.
 *
 * @param control c·u, [D] float32
 */
public record RmuForgetLoss(int layer, Tensor control) implements Loss {

  /**
   * c·u with u = r/‖r‖, r uniform in [0, 1)^D as RMU draws it, from {@code seed} through Java's
   * SplittableRandom so that the vector never depends on LibTorch's global generator state.
   */
  public static RmuForgetLoss seeded(int layer, int hiddenSize, double steering, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] r = new double[hiddenSize];
    double norm = 0;
    for (int i = 0; i < hiddenSize; i++) {
      r[i] = random.nextDouble();
      norm += r[i] * r[i];
    }
    float[] control = new float[hiddenSize];
    for (int i = 0; i < hiddenSize; i++) {
      control[i] = (float) (steering * r[i] / Math.sqrt(norm));
    }
    return new RmuForgetLoss(layer, AbstractTensor.create(control));
  }

  @Override
  public String name() {
    return "rmu-forget";
  }

  @Override
  public Set<Need> needs() {
    return Set.of(Need.HIDDEN);
  }

  @Override
  public int hiddenLayer() {
    return layer;
  }

  @Override
  public Tensor value(LossInputs in) {
    return ActivationDistance.of(in.hidden(), control, in.attentionMask(), in.scale());
  }
}
