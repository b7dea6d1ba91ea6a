package org.blurnative.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.blurnative.data.Batch;
import org.blurnative.data.BatchOptions;
import org.blurnative.data.Collator;
import org.blurnative.data.TokenBatch;
import org.blurnative.data.TokenizedExample;
import org.blurnative.data.Truncation;
import org.blurnative.model.HostArrays;
import org.blurnative.model.LlamaModel;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * {@link TokenStatistics} of many examples, one forward pass per batch without gradients. log π
 * is computed in float64 from the model's logits (open-unlearning works in the model's dtype; the
 * definitions are the same). The vocabulary mean and variance cost three more [B, T, V] tensors,
 * so they are computed only when {@code withVocabularyStatistics} (Min-K%++ needs them).
 */
public final class TokenStatisticsScorer {
  private final LlamaModel model;
  private final Collator collator;
  private final int maxLength;
  private final int batchSize;
  private final boolean withVocabularyStatistics;
  private Truncation.Count truncated = Truncation.Count.NONE;

  public TokenStatisticsScorer(LlamaModel model, int padId, int maxLength, int batchSize,
      boolean withVocabularyStatistics) {
    this.model = model;
    this.collator = new Collator(padId, BatchOptions.training(maxLength));
    this.maxLength = maxLength;
    this.batchSize = batchSize;
    this.withVocabularyStatistics = withVocabularyStatistics;
  }

  /** What maxLength has cut from the examples scored so far, for the caller to report once. */
  public Truncation.Count truncated() {
    return truncated;
  }

  public List<TokenStatistics> score(List<TokenizedExample> examples) {
    truncated = truncated.plus(Truncation.Count.of(examples, maxLength));
    List<TokenStatistics> out = new ArrayList<>();
    for (int start = 0; start < examples.size(); start += batchSize) {
      TokenBatch batch = collator.collate(examples.subList(start, Math.min(examples.size(), start + batchSize)));
      try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard();
          Batch b = Batch.of(batch, model.device())) {
        out.addAll(rows(batch, b.inputIds(), model.forward(b.inputIds(), b.attentionMask())));
      }
    }
    return out;
  }

  private List<TokenStatistics> rows(TokenBatch batch, Tensor inputIds, Tensor logits) {
    long t = logits.size(1);
    // the logits at position j predict the id at j + 1 (Hugging Face's shift)
    Tensor lp = logits.slice(1, new LongOptional(0), new LongOptional(t - 1), 1)
        .to(ScalarType.Double).log_softmax(-1);  // [B, T−1, V]
    Tensor next = inputIds.slice(1, new LongOptional(1), new LongOptional(t), 1);  // [B, T−1]
    double[] target = HostArrays.toDoubles(lp.gather(2, next.unsqueeze(-1)).squeeze(-1));
    long[] argmax = HostArrays.toLongs(lp.argmax(new LongOptional(-1), false));
    double[] mean = null, variance = null;
    if (withVocabularyStatistics) {
      Tensor p = lp.exp();
      Tensor mu = p.mul(lp).sum(-1);  // Σ_v π(v)·log π(v)
      mean = HostArrays.toDoubles(mu);
      variance = HostArrays.toDoubles(p.mul(lp.square()).sum(-1).sub(mu.square()));
    }
    int width = (int) (t - 1);
    List<TokenStatistics> out = new ArrayList<>();
    for (int row = 0; row < batch.rows(); row++) {
      int[] labels = batch.labels()[row];
      int n = 0;
      int[] ids = new int[width];
      int[] at = new int[width];
      for (int j = 0; j < width; j++) {
        if (labels[j + 1] != TokenBatch.IGNORE) {
          ids[n] = labels[j + 1];
          at[n++] = row * width + j;
        }
      }
      double nll = 0;
      for (int i = 0; i < n; i++) {
        nll -= target[at[i]];
      }
      int scored = Math.max(0, n - 1);
      double[] tokenLp = new double[scored], mu = new double[withVocabularyStatistics ? scored : 0];
      double[] var = new double[mu.length];
      int[] predicted = new int[scored];
      for (int i = 0; i < scored; i++) {
        tokenLp[i] = target[at[i]];
        predicted[i] = (int) argmax[at[i]];
        if (withVocabularyStatistics) {
          mu[i] = mean[at[i]];
          var[i] = variance[at[i]];
        }
      }
      out.add(new TokenStatistics(n == 0 ? Double.NaN : nll / n, Arrays.copyOf(ids, n), tokenLp,
          withVocabularyStatistics ? mu : new double[0], var, predicted));
    }
    return out;
  }
}
