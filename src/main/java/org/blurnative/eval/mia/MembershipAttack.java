package org.blurnative.eval.mia;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.blurnative.eval.muse.MinKPercent;

/**
 * open-unlearning's membership inference attacks (src/evals/metrics/mia/, commit d3d7cf9), each a
 * per-sample score signed like the loss: higher means less likely a member. Named as its
 * {@code AllAttacks} enum names them; {@link #metric()} is the metric's name in its configs and
 * TOFU_EVAL.json.
 */
public enum MembershipAttack {
  LOSS("loss", "mia_loss"),
  ZLIB("zlib", "mia_zlib"),
  MIN_K("min_k", "mia_min_k"),
  MIN_K_PLUS_PLUS("min_k++", "mia_min_k_plus_plus"),
  GRADNORM("gradnorm", "mia_gradnorm"),
  REFERENCE("ref", "mia_reference");

  private final String flag;
  private final String metric;

  MembershipAttack(String flag, String metric) {
    this.flag = flag;
    this.metric = metric;
  }

  /** The attack's name in open-unlearning's AllAttacks, as {@code --mia} takes it. */
  public String flag() {
    return flag;
  }

  public String metric() {
    return metric;
  }

  /** The attacks named in a comma-separated {@code --mia} value, or all for "all". */
  public static List<MembershipAttack> parse(String value) {
    if (value.equals("all")) {
      return List.of(values());
    }
    return Arrays.stream(value.split(",")).map(String::trim).map(name -> Arrays.stream(values())
        .filter(a -> a.flag.equals(name.toLowerCase(Locale.ROOT))).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("--mia: unknown attack '" + name + "'; choose from "
            + Arrays.stream(values()).map(MembershipAttack::flag).collect(Collectors.joining(", ")) + " or all")))
        .distinct().toList();
  }

  /** The sample's score; {@code k} is Min-K%'s and Min-K%++'s fraction. */
  public double score(MiaSample s, double k) {
    return switch (this) {
      // loss.py: LOSSAttack.compute_score returns avg_loss
      case LOSS -> s.meanNll();
      // zlib.py: avg_loss / len(zlib.compress(text.encode("utf-8")))
      case ZLIB -> s.meanNll() / ZlibEntropy.compressedLength(s.text());
      // min_k.py: -mean of the ⌊n·k⌋ (at least 1) lowest token log-probs
      case MIN_K -> MinKPercent.openUnlearning(s.tokenLogProbs(), k);
      // min_k_plus_plus.py: the same over (log π − μ)/σ
      case MIN_K_PLUS_PLUS -> MinKPercent.openUnlearning(MinKPlusPlus.normalized(s), k);
      // gradnorm.py: the mean over parameters of each parameter's gradient p-norm
      case GRADNORM -> required(s.gradNorm(), "a gradient norm");
      // reference.py: target_loss - ref_loss (a difference, though the paper calls it a ratio)
      case REFERENCE -> s.meanNll() - required(s.referenceMeanNll(), "a reference model's loss");
    };
  }

  public double[] scores(List<MiaSample> samples, double k) {
    return samples.stream().mapToDouble(s -> score(s, k)).toArray();
  }

  /** Whether the attack needs a backward pass per sample. */
  public boolean needsGradients() {
    return this == GRADNORM;
  }

  private double required(double value, String what) {
    if (Double.isNaN(value)) {
      throw new IllegalStateException(metric + " needs " + what + " of every sample");
    }
    return value;
  }
}
