package org.blurnative.eval.rouge;

import java.util.List;

/** Length of the longest common subsequence of two token lists, by the textbook DP table. */
final class Lcs {
  private Lcs() {}

  static int length(List<String> a, List<String> b) {
    // one row of rouge_score's _lcs_table at a time: row[j] = LCS(a[:i], b[:j])
    int[] previous = new int[b.size() + 1];
    int[] row = new int[b.size() + 1];
    for (int i = 1; i <= a.size(); i++) {
      String ai = a.get(i - 1);
      for (int j = 1; j <= b.size(); j++) {
        row[j] = ai.equals(b.get(j - 1)) ? previous[j - 1] + 1 : Math.max(previous[j], row[j - 1]);
      }
      int[] swap = previous;
      previous = row;
      row = swap;
    }
    return previous[b.size()];
  }
}
