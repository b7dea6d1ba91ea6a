package org.blurnative.eval.tofu;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

/**
 * The golden TOFU logs under src/test/resources/eval/tofu/llama2-7b: LLaMA-2-7B fine-tuned on all
 * of TOFU ("full") and on its retain90 split, evaluated by TOFU's own code (locuslab/tofu, MIT).
 */
final class TofuGolden {
  static final List<String> MODELS = List.of("full", "retain90");

  private TofuGolden() {}

  static Path root() {
    try {
      return Path.of(TofuGolden.class.getResource("/eval/tofu/llama2-7b").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<TofuLogEntry> log(String model, TofuSplit split) {
    return TofuEvalLog.read(root().resolve(model), split);
  }
}
