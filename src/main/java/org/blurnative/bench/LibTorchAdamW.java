package org.blurnative.bench;

import org.blurnative.kernel.OptimizerSettings;
import org.bytedeco.pytorch.AdamW;
import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.TensorVector;

/** LibTorch's own AdamW over a list of parameters, configured like the kernels' fused AdamW. */
final class LibTorchAdamW {

  private LibTorchAdamW() {}

  static AdamW over(TensorVector params, OptimizerSettings.AdamW settings, double lr) {
    AdamWOptions options = new AdamWOptions(lr);
    // betas() points at a std::tuple<double, double>, which libstdc++ stores last element first
    options.betas().put(0, settings.beta2()).put(1, settings.beta1());
    options.eps().put(settings.eps());
    options.weight_decay().put(settings.weightDecay());
    return new AdamW(params, options);
  }
}
