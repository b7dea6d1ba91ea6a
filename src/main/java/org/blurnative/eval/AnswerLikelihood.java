package org.blurnative.eval;

import java.util.ArrayList;
import java.util.List;
import org.blurnative.data.Batch;
import org.blurnative.data.BatchOptions;
import org.blurnative.data.Collator;
import org.blurnative.data.ExampleEncoder;
import org.blurnative.data.TokenizedExample;
import org.blurnative.data.Truncation;
import org.blurnative.loss.AnswerLogProbs;
import org.blurnative.model.HostArrays;
import org.blurnative.model.LlamaModel;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * log π(answer | prompt) of many examples, in batches, without gradients: TOFU's per-sample mean
 * NLL (P(a|q) = exp(−mean NLL), DESIGN.md §6) and multiple-choice log-likelihoods.
 */
public final class AnswerLikelihood {
  private final LlamaModel model;
  private final ExampleEncoder encoder;
  private final Collator collator;
  private final int maxLength;
  private final int batchSize;
  private Truncation.Count truncated = Truncation.Count.NONE;

  public AnswerLikelihood(LlamaModel model, ExampleEncoder encoder, int padId, int maxLength, int batchSize) {
    this.model = model;
    this.encoder = encoder;
    this.collator = new Collator(padId, BatchOptions.training(maxLength));
    this.maxLength = maxLength;
    this.batchSize = batchSize;
  }

  /** What maxLength has cut from the examples scored so far, for the caller to report once. */
  public Truncation.Count truncated() {
    return truncated;
  }

  /** Mean NLL over the answer tokens of each (question, answer), in input order. */
  public double[] meanNll(List<String> questions, List<String> answers) {
    if (questions.size() != answers.size()) {
      throw new IllegalArgumentException("questions and answers differ in number");
    }
    List<TokenizedExample> examples = new ArrayList<>();
    for (int i = 0; i < questions.size(); i++) {
      examples.add(encoder.qa(questions.get(i), answers.get(i)));
    }
    double[][] sums = logProbSums(examples);
    double[] out = new double[examples.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = -sums[0][i] / Math.max(1, sums[1][i]);
    }
    return out;
  }

  /** Σ log π over each example's answer tokens, in input order. */
  public double[] logLikelihoods(List<TokenizedExample> examples) {
    return logProbSums(examples)[0];
  }

  /** log π of each answer token of each example, in order (what Min-K% ranks). */
  public List<double[]> tokenLogProbs(List<TokenizedExample> examples) {
    truncated = truncated.plus(Truncation.Count.of(examples, maxLength));
    List<double[]> out = new ArrayList<>();
    for (int start = 0; start < examples.size(); start += batchSize) {
      int end = Math.min(examples.size(), start + batchSize);
      try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard();
          Batch b = Batch.of(collator.collate(examples.subList(start, end)), model.device())) {
        AnswerLogProbs lp = AnswerLogProbs.of(model.forward(b.inputIds(), b.attentionMask()), b.labels());
        double[] values = HostArrays.toDoubles(lp.tokenLogProbs().to(ScalarType.Double));
        double[] mask = HostArrays.toDoubles(lp.answerMask().to(ScalarType.Double));
        int width = (int) lp.tokenLogProbs().size(1);
        for (int row = 0; row < end - start; row++) {
          double[] kept = new double[width];
          int n = 0;
          for (int t = 0; t < width; t++) {
            if (mask[row * width + t] != 0) {
              kept[n++] = values[row * width + t];
            }
          }
          out.add(java.util.Arrays.copyOf(kept, n));
        }
      }
    }
    return out;
  }

  /** [0]: Σ log π of each example's answer tokens; [1]: the number of those tokens. */
  private double[][] logProbSums(List<TokenizedExample> examples) {
    truncated = truncated.plus(Truncation.Count.of(examples, maxLength));
    double[][] out = new double[2][examples.size()];
    for (int start = 0; start < examples.size(); start += batchSize) {
      int end = Math.min(examples.size(), start + batchSize);
      try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard();
          Batch b = Batch.of(collator.collate(examples.subList(start, end)), model.device())) {
        AnswerLogProbs lp = AnswerLogProbs.of(model.forward(b.inputIds(), b.attentionMask()), b.labels());
        copy(lp.perSample(), out[0], start, end);
        copy(lp.lengths(), out[1], start, end);
      }
    }
    return out;
  }

  private static void copy(Tensor values, double[] into, int start, int end) {
    Tensor d = values.to(ScalarType.Double).contiguous();
    new DoublePointer(d.data_ptr()).capacity(end - start).get(into, start, end - start);
  }
}
