package org.blurnative.cli;

import java.nio.file.Path;
import java.util.List;
import org.blurnative.eval.mia.MembershipAttack;
import picocli.CommandLine.Option;

/** eval's options for open-unlearning's metrics beyond TOFU's and MUSE's own (mini, tofu and muse benchmarks). */
final class OpenUnlearningOptions {

  @Option(names = "--mia", paramLabel = "ATTACK[,ATTACK...]", defaultValue = "min_k",
      description = "mini, tofu, muse: membership attacks between forget and holdout, as open-unlearning names them:"
          + " loss, zlib, min_k, min_k++, gradnorm (a backward pass per sample), ref (needs --reference-model),"
          + " all or none (default: ${DEFAULT-VALUE}, which privleak uses)")
  String mia;

  @Option(names = "--mia-k", paramLabel = "K", defaultValue = "0.4",
      description = "the fraction of lowest-scored tokens Min-K%% and Min-K%%++ keep (default: ${DEFAULT-VALUE})")
  double k;

  @Option(names = "--gradnorm-p", paramLabel = "1|2|inf", defaultValue = "2",
      description = "the norm of each parameter's gradient in the gradnorm attack (default: ${DEFAULT-VALUE})")
  String gradNormP;

  @Option(names = "--reference-model", paramLabel = "DIR",
      description = "the ref attack's reference model: its loss is subtracted from the model's")
  Path referenceModel;

  @Option(names = "--retain-logs", paramLabel = "FILE",
      description = "forget quality (and privleak) against a retain model's saved evaluation instead of"
          + " --retain-model: open-unlearning's TOFU_EVAL.json or TOFU's eval_log_forget.json; muse: its MUSE_EVAL.json")
  Path retainLogs;

  List<MembershipAttack> attacks() {
    return mia.equals("none") ? List.of() : MembershipAttack.parse(mia);
  }

  double p() {
    return switch (gradNormP) {
      case "1" -> 1;
      case "2" -> 2;
      case "inf" -> Double.POSITIVE_INFINITY;
      default -> throw new IllegalArgumentException("--gradnorm-p must be 1, 2 or inf, got '" + gradNormP + "'");
    };
  }

  /** Everything checked before a model loads; {@code benchmark} is eval's. */
  void validate(String benchmark, Path retainModel) {
    boolean supported = benchmark.equals("mini") || benchmark.equals("tofu") || benchmark.equals("muse");
    if (!supported && (!mia.equals("min_k") || referenceModel != null || retainLogs != null)) {
      throw new IllegalArgumentException("--mia, --reference-model and --retain-logs are for --benchmark mini, tofu or muse");
    }
    if (!(k > 0 && k <= 1)) {
      throw new IllegalArgumentException("--mia-k must be in (0, 1], got " + k);
    }
    p();
    List<MembershipAttack> attacks = attacks();
    if (attacks.contains(MembershipAttack.REFERENCE) != (referenceModel != null)) {
      throw new IllegalArgumentException(referenceModel == null
          ? "--mia ref needs --reference-model DIR" : "--reference-model is for --mia ref");
    }
    if (retainLogs != null && retainModel != null) {
      throw new IllegalArgumentException("--retain-logs and --retain-model both give the retain model's forget"
          + " truth ratios: choose one");
    }
  }
}
