package org.blurnative.eval.openunlearning;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.blurnative.eval.memorization.MemorizationScores;
import org.blurnative.eval.mia.MembershipAttack;
import org.blurnative.eval.mia.MiaResult;

/**
 * One model's MUSE evaluation in open-unlearning's layout ({@link EvalLogs}): MUSE_EVAL.json and
 * MUSE_SUMMARY.json under the names of configs/eval/muse_metrics/*.yaml (commit d3d7cf9). The
 * three *_ROUGE metrics aggregate rougeL_f1 (their rouge_type); privleak comes from mia_min_k over
 * privleak's forget and holdout texts; extraction_strength and exact_memorization are of
 * verbmem's forget set. The summary holds every metric muse.yaml lists, the commented-out ones
 * included, that was computed; forget_gibberish (a classifier model's verdict) is not.
 */
public final class MuseEvalFiles {
  public static final String EVAL_FILE = EvalLogs.evalFile("MUSE");
  public static final String SUMMARY_FILE = EvalLogs.summaryFile("MUSE");

  /** Everything written; attacks may be empty (--mia none), and then privleak is left out. */
  public record Contents(List<RougeEntry> forgetKnowMem, List<RougeEntry> retainKnowMem,
      List<RougeEntry> forgetVerbMem, Map<MembershipAttack, MiaResult> attacks,
      Map<MembershipAttack, Double> retainAucs, MemorizationScores forgetVerbMemMemorization) {}

  private MuseEvalFiles() {}

  public static void write(Path dir, Contents c) throws IOException {
    EvalLogs.write(dir, "MUSE", logs(c), summarised());
  }

  /** muse.yaml's metrics, in its order. */
  private static List<String> summarised() {
    List<String> names = new ArrayList<>(List.of("forget_knowmem_ROUGE", "retain_knowmem_ROUGE",
        "forget_verbmem_ROUGE", "privleak", "extraction_strength", "exact_memorization"));
    for (MembershipAttack a : MembershipAttack.values()) {
      names.add(a.metric());
    }
    return names;
  }

  static Map<String, Object> logs(Contents c) {
    Map<String, Object> logs = new TreeMap<>();
    logs.put("forget_knowmem_ROUGE", EvalLogs.rouge(c.forgetKnowMem(), RougeEntry::rougeLF1));
    logs.put("retain_knowmem_ROUGE", EvalLogs.rouge(c.retainKnowMem(), RougeEntry::rougeLF1));
    logs.put("forget_verbmem_ROUGE", EvalLogs.rouge(c.forgetVerbMem(), RougeEntry::rougeLF1));
    EvalLogs.putAttacks(logs, c.attacks(), c.retainAucs());
    EvalLogs.putMemorization(logs, Optional.of(c.forgetVerbMemMemorization()));
    return logs;
  }
}
