package org.blurnative.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.blurnative.data.AlignedBatch;
import org.blurnative.data.BatchOptions;
import org.blurnative.data.Collator;
import org.blurnative.loss.Loss;
import org.blurnative.loss.NllLoss;
import org.blurnative.loss.NpoLoss;
import org.blurnative.model.HostArrays;
import org.blurnative.model.Activations;
import org.blurnative.model.LlamaModel;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/**
 * --compat last-micro-batch against what the official TOFU trainer computes, written out here
 * from its definition: each micro-batch's loss is its own mean (Hugging Face's per-micro-batch
 * loss) over K, the logged loss their sum, and the gradient that of the last micro-batch alone.
 */
class AccumulationTest {
  static final int K = 3;

  @Test
  void theLastMicroBatchAloneGivesTheGradientAndEveryOneTheLoss() {
    try (LlamaModel model = TinyRun.model(32, 2, 5); PointerScope scope = new PointerScope()) {
      LlamaModel reference = model.frozenCopy();
      try (NoGradGuard g = new NoGradGuard()) {
        for (Tensor p : model.parameters().values()) {
          p.mul_(new Scalar(1.03));  // off the reference, so that NPO's gradient is not trivial
        }
      }
      Collator collator = new Collator(TinyRun.TOKENIZER.padId(), BatchOptions.training(64));
      AlignedBatch batch = AlignedBatch.of(collator.collate(TinyRun.examples(TinyRun.records(0, 6))));
      List<AlignedBatch> micro = batch.microBatches(K);
      LossEvaluator official = new LossEvaluator(model, reference, 0, 1, Activations.STORED, Accumulation.LAST_MICRO_BATCH);
      LossEvaluator exact = new LossEvaluator(model, reference, 0, 1, Activations.STORED, Accumulation.EVERY_MICRO_BATCH);
      // token-averaged NLL tells the two normalisations apart: the micro-batches have unequal answer lengths
      for (Loss loss : List.of(new NllLoss(), new NpoLoss(0.5))) {
        clearGrads(model);
        double logged = official.accumulate(loss, batch, K);
        float[] gradient = HostArrays.toFloats(firstWeight(model).grad());

        double expectedLoss = 0;
        for (AlignedBatch m : micro) {
          expectedLoss += exact.evaluate(loss, m, 1) / K;  // the micro-batch's own mean, over K
        }
        assertEquals(expectedLoss, logged, 1e-6 * Math.abs(expectedLoss), loss.name() + " logged loss");

        clearGrads(model);
        exact.accumulate(loss, micro.get(K - 1), 1);  // the last micro-batch as a batch of its own
        float[] last = HostArrays.toFloats(firstWeight(model).grad());
        for (int i = 0; i < last.length; i++) {
          last[i] /= K;
        }
        assertArrayEquals(last, gradient, 1e-6f * max(last), loss.name() + " gradient");
      }
      reference.close();
    }
  }

  private static void clearGrads(LlamaModel model) {
    for (Tensor p : model.parameters().values()) {
      p.mutable_grad().put(new Tensor());
    }
  }

  private static Tensor firstWeight(LlamaModel model) {
    return model.parameters().get("model.layers.0.mlp.down_proj.weight");
  }

  private static float max(float[] a) {
    float m = 0;
    for (float v : a) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }
}
