package org.blurnative.train;

import java.util.Arrays;
import org.blurnative.data.TokenBatch;
import org.blurnative.loss.LossScale;

/** Which micro-batches of a batch give the step its gradients, and what their losses divide by. */
public enum Accumulation {
  /**
   * Every micro-batch, each loss divided by the whole batch's totals: the accumulated gradient is
   * exactly the whole batch's (DESIGN.md §2).
   */
  EVERY_MICRO_BATCH {
    @Override
    boolean backward(int index, int count) {
      return true;
    }

    @Override
    LossScale scale(LossScale batch, TokenBatch micro, int count) {
      return batch;
    }
  },

  /**
   * The official BLUR code's TOFU trainer (--compat last-micro-batch): every micro-batch's loss
   * is its own mean divided by their number K, as Hugging Face's Trainer computes it, but the
   * projection sees only the last micro-batch's gradients, because the gradient cache is cleared
   * at every training_step (OptimAI-Lab/BLURLLMUnlearning@075f00e, TOFU/src/trainer/unlearn/
   * base.py:315-322 clears it and captures this backward's gradients, 776-796 projects them).
   * The other micro-batches are still evaluated, without a graph, for the logged loss.
   */
  LAST_MICRO_BATCH {
    @Override
    boolean backward(int index, int count) {
      return index == count - 1;
    }

    @Override
    LossScale scale(LossScale batch, TokenBatch micro, int count) {
      return totals(micro, count);
    }
  };

  /** Whether micro-batch {@code index} of {@code count} is back-propagated. */
  abstract boolean backward(int index, int count);

  /**
   * The totals micro-batch {@code micro}, one of {@code count}, divides its loss by, given its
   * batch's ({@link #totals}, computed once per batch).
   */
  abstract LossScale scale(LossScale batch, TokenBatch micro, int count);

  /** {@code b}'s totals, {@code times} over. */
  static LossScale totals(TokenBatch b, long times) {
    long attended = Arrays.stream(b.attentionMask()).flatMapToInt(Arrays::stream).sum();
    return new LossScale(b.rows() * times, b.answerTokens() * times, attended * times,
        b.answeredSamples() * times);
  }
}
