package org.blurnative.data;

import java.util.ArrayList;
import java.util.List;

/**
 * What a loss is computed on in one step: a batch and, for the preference losses, the same
 * questions with their alternate answers, row b of one beside row b of the other. The two are
 * split into micro-batches at the same rows, so that a pair stays together through accumulation
 * and across ranks (which take whole micro-batches).
 *
 * @param batch the examples as the objective has them (for DPO: the answers to forget)
 * @param alternate the same rows with their alternate answers; null when the loss compares none
 */
public record AlignedBatch(TokenBatch batch, TokenBatch alternate) {

  public AlignedBatch {
    if (alternate != null && alternate.rows() != batch.rows()) {
      throw new IllegalArgumentException("the alternate answers (" + alternate.rows()
          + " rows) do not line up with the batch (" + batch.rows() + " rows)");
    }
  }

  /** A batch without alternate answers. */
  public static AlignedBatch of(TokenBatch batch) {
    return new AlignedBatch(batch, null);
  }

  public int rows() {
    return batch.rows();
  }

  /** Both batches split as {@link TokenBatch#microBatches}, which cuts by row count alone: pieces i pair up. */
  public List<AlignedBatch> microBatches(int k) {
    List<TokenBatch> pieces = batch.microBatches(k);
    List<TokenBatch> alternates = alternate == null ? null : alternate.microBatches(k);
    List<AlignedBatch> out = new ArrayList<>(pieces.size());
    for (int i = 0; i < pieces.size(); i++) {
      out.add(new AlignedBatch(pieces.get(i), alternates == null ? null : alternates.get(i)));
    }
    return out;
  }
}
