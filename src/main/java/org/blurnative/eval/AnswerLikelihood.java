package org.blurnative.eval;

import java.util.ArrayList;
import java.util.List;
import org.blurnative.data.Batch;
import org.blurnative.data.BatchOptions;
import org.blurnative.data.Collator;
import org.blurnative.data.ExampleEncoder;
import org.blurnative.data.TokenBatch;
import org.blurnative.data.TokenizedExample;
import org.blurnative.loss.AnswerLogProbs;
import org.blurnative.model.LlamaModel;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The mean negative log-likelihood of each answer given its question (TOFU's per-sample loss),
 * in batches, without gradients: P(a|q) = exp(−mean NLL) (DESIGN.md §6).
 */
public final class AnswerLikelihood {
  private final LlamaModel model;
  private final ExampleEncoder encoder;
  private final Collator collator;
  private final int batchSize;

  public AnswerLikelihood(LlamaModel model, ExampleEncoder encoder, int padId, int maxLength, int batchSize) {
    this.model = model;
    this.encoder = encoder;
    this.collator = new Collator(padId, BatchOptions.training(maxLength));
    this.batchSize = batchSize;
  }

  /** Mean NLL over the answer tokens of each (question, answer), in input order. */
  public double[] meanNll(List<String> questions, List<String> answers) {
    if (questions.size() != answers.size()) {
      throw new IllegalArgumentException("questions and answers differ in number");
    }
    double[] out = new double[questions.size()];
    for (int start = 0; start < out.length; start += batchSize) {
      int end = Math.min(out.length, start + batchSize);
      List<TokenizedExample> examples = new ArrayList<>();
      for (int i = start; i < end; i++) {
        examples.add(encoder.qa(questions.get(i), answers.get(i)));
      }
      TokenBatch batch = collator.collate(examples);
      try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard();
          Batch b = Batch.of(batch)) {
        AnswerLogProbs lp = AnswerLogProbs.of(model.forward(b.inputIds(), b.attentionMask()), b.labels());
        Tensor mean = lp.perSample().neg().div(lp.lengths().clamp_min(new org.bytedeco.pytorch.Scalar(1.0)))
            .to(ScalarType.Double).contiguous();
        new DoublePointer(mean.data_ptr()).capacity(end - start).get(out, start, end - start);
      }
    }
    return out;
  }
}
