package org.blurnative.eval;

import java.util.List;
import org.blurnative.data.Batch;
import org.blurnative.data.BatchOptions;
import org.blurnative.data.Collator;
import org.blurnative.data.TokenBatch;
import org.blurnative.data.TokenizedExample;
import org.blurnative.model.FlatGradients;
import org.blurnative.model.LlamaModel;
import org.blurnative.model.ParameterLayout;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorArrayRefOptional;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The GradNorm attack's per-sample value as open-unlearning computes it
 * (src/evals/metrics/mia/gradnorm.py, commit d3d7cf9): the sample's loss is minus the mean of its
 * token log-probabilities over the scored tokens (the labelled ones but the last, its
 * {@code tokenwise_logprobs}), and the value is the mean over the model's parameters of each
 * parameter's gradient p-norm (p = 1, 2 or ∞; its configs use 2).
 *
 * <p>open-unlearning runs one sample per batch; here one forward pass serves a batch and each
 * sample's loss is backpropagated alone through it (the graph kept until the batch's last), which
 * gives the same gradients because rows of a batch do not interact. The gradients go to one flat
 * buffer, zeroed before each sample.
 */
public final class GradientNormScorer {
  private final LlamaModel model;
  private final Collator collator;
  private final int batchSize;
  private final double p;

  public GradientNormScorer(LlamaModel model, int padId, int maxLength, int batchSize, double p) {
    if (p != 1 && p != 2 && p != Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("--gradnorm-p must be 1, 2 or inf, got " + p);
    }
    if (model.frozen()) {
      throw new IllegalArgumentException("GradNorm needs gradients, and this model is frozen");
    }
    this.model = model;
    this.collator = new Collator(padId, BatchOptions.training(maxLength));
    this.batchSize = batchSize;
    this.p = p;
  }

  public double[] score(List<TokenizedExample> examples) {
    FlatGradients gradients = FlatGradients.of(model);
    ParameterLayout layout = gradients.layout();
    double[] out = new double[examples.size()];
    Tensor flat = gradients.allocate();
    try (flat) {
      gradients.pointAt(flat);
      for (int start = 0; start < examples.size(); start += batchSize) {
        TokenBatch batch = collator.collate(examples.subList(start, Math.min(examples.size(), start + batchSize)));
        try (PointerScope scope = new PointerScope(); Batch b = Batch.of(batch, model.device())) {
          Tensor losses = sampleLosses(batch, b);
          for (int row = 0; row < batch.rows(); row++) {
            flat.zero_();
            boolean last = row == batch.rows() - 1;
            losses.select(0, row).backward(new Tensor(), new BoolOptional(!last), false, new TensorArrayRefOptional());
            double sum = 0;
            for (ParameterLayout.Slice s : layout.slices()) {
              sum += layout.view(flat, s).to(ScalarType.Double).norm(new Scalar(p)).item_double();
            }
            out[start + row] = sum / layout.slices().size();
          }
        }
      }
    } finally {
      // the grads are views of the buffer just freed: leave the model without any, as loaded
      layout.parameters().values().forEach(t -> t.mutable_grad().put(new Tensor()));
    }
    return out;
  }

  /** −mean log π over each row's scored tokens, [B]. */
  private Tensor sampleLosses(TokenBatch batch, Batch b) {
    Tensor logits = model.forward(b.inputIds(), b.attentionMask());
    long t = logits.size(1);
    Tensor lp = logits.slice(1, new LongOptional(0), new LongOptional(t - 1), 1).to(ScalarType.Float).log_softmax(-1);
    Tensor next = b.inputIds().slice(1, new LongOptional(1), new LongOptional(t), 1);
    Tensor target = lp.gather(2, next.unsqueeze(-1)).squeeze(-1);  // [B, T−1]
    float[] weights = new float[batch.rows() * (int) (t - 1)];
    for (int row = 0; row < batch.rows(); row++) {
      int[] labels = batch.labels()[row];
      int last = -1, n = 0;
      for (int j = 1; j < t; j++) {
        if (labels[j] != TokenBatch.IGNORE) {
          last = j;
          n++;
        }
      }
      if (n < 2) {
        throw new IllegalArgumentException("GradNorm needs at least two answer tokens per sample (the last is not"
            + " scored); example " + row + " of a batch has " + n);
      }
      for (int j = 1; j < t; j++) {
        if (labels[j] != TokenBatch.IGNORE && j != last) {
          weights[row * (int) (t - 1) + j - 1] = 1f / (n - 1);
        }
      }
    }
    Tensor w = org.blurnative.model.HostArrays.floats(weights, batch.rows(), t - 1).to(lp.device(), ScalarType.Float);
    return target.mul(w).sum(1).neg();
  }
}
