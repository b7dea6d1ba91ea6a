package org.blurnative.eval.mia;

import static org.blurnative.eval.OpenUnlearningReference.doubles;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.blurnative.eval.OpenUnlearningReference;
import org.blurnative.eval.muse.PrivLeak;
import org.junit.jupiter.api.Test;

/**
 * Every attack, its AUC (sklearn's roc_auc_score) and privleak on 7 forget and 6 holdout samples,
 * against scripts/openunlearning_reference.py: empty, one- and two-token samples, a variance under
 * the 1e-6 clamp, a tie across the sets.
 */
class MembershipAttackReferenceTest {
  static final JsonNode CASE = OpenUnlearningReference.get("mia");

  static List<MiaSample> samples(JsonNode array) {
    List<MiaSample> out = new ArrayList<>();
    for (JsonNode s : array) {
      out.add(new MiaSample(s.get("mean_nll").asDouble(), doubles(s.get("token_log_probs")),
          doubles(s.get("vocab_mean")), doubles(s.get("vocab_variance")), s.get("text").asText(),
          s.get("grad_norm").asDouble(), s.get("reference_mean_nll").asDouble()));
    }
    return out;
  }

  @Test
  void scoresAucsAndPrivLeakMatchOpenUnlearningsFormulas() {
    List<MiaSample> forget = samples(CASE.get("forget")), holdout = samples(CASE.get("holdout"));
    double retainAuc = CASE.get("retain_auc").asDouble();
    int checked = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = CASE.get("expected").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String[] nameAndK = e.getKey().split("@");
      MembershipAttack attack = MembershipAttack.parse(nameAndK[0]).get(0);
      double k = nameAndK.length > 1 ? Double.parseDouble(nameAndK[1]) : 0.4;
      double[] f = attack.scores(forget, k), h = attack.scores(holdout, k);
      assertArrayEquals(doubles(e.getValue().get("forget")), f, 1e-12, e.getKey());
      assertArrayEquals(doubles(e.getValue().get("holdout")), h, 1e-12, e.getKey());
      double auc = MembershipAuc.of(f, h);
      assertEquals(e.getValue().get("auc").asDouble(), auc, 1e-15, e.getKey());
      assertEquals(e.getValue().get("privleak").asDouble(), PrivLeak.openUnlearning(auc, retainAuc), 1e-9, e.getKey());
      checked++;
    }
    assertEquals(8, checked);
  }

  @Test
  void compressedLengthsMatchPythonsZlib() {
    for (Iterator<Map.Entry<String, JsonNode>> it = CASE.get("zlib_lengths").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      assertEquals(e.getValue().asInt(), ZlibEntropy.compressedLength(e.getKey()), e.getKey());
    }
  }
}
