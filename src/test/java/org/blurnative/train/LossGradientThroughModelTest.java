package org.blurnative.train;

import org.blurnative.model.HostArrays;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.blurnative.data.AlignedBatch;
import org.blurnative.data.BatchOptions;
import org.blurnative.data.Collator;
import org.blurnative.loss.GradientAscentLoss;
import org.blurnative.loss.KlLoss;
import org.blurnative.loss.Loss;
import org.blurnative.loss.NllLoss;
import org.blurnative.loss.NpoLoss;
import org.blurnative.loss.RmuForgetLoss;
import org.blurnative.loss.RmuRetainLoss;
import org.blurnative.loss.SimNpoLoss;
import org.blurnative.model.Activations;
import org.blurnative.model.LlamaModel;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Every loss's gradient with respect to real model weights, through the whole tiny model, against
 * central finite differences of the loss itself. float32 forward passes limit the agreement to a
 * few per cent, so the check uses the coordinates with the largest gradients.
 */
class LossGradientThroughModelTest {

  @Test
  void everyLossMatchesFiniteDifferencesOnATinyModel() {
    try (LlamaModel model = TinyRun.model(32, 2, 21); PointerScope scope = new PointerScope()) {
      LlamaModel reference = model.frozenCopy();
      // move the model off its copy so that NPO's log-ratio and KL are not at their trivial point
      try (NoGradGuard g = new NoGradGuard()) {
        for (Tensor p : model.parameters().values()) {
          p.mul_(new Scalar(1.05));
        }
      }
      AlignedBatch batch = AlignedBatch.of(new Collator(TinyRun.TOKENIZER.padId(), BatchOptions.training(64))
          .collate(TinyRun.examples(TinyRun.records(0, 4))));
      LossEvaluator evaluator = new LossEvaluator(model, reference, 0, 1, Activations.STORED, Accumulation.EVERY_MICRO_BATCH);
      // layer 0, so that RMU (whose loss stops at layer 0) reaches it too
      Tensor weight = model.parameters().get("model.layers.0.mlp.down_proj.weight");
      for (Loss loss : List.of(new NllLoss(), new GradientAscentLoss(), new NpoLoss(0.5),
          new SimNpoLoss(2.0, 0.5), new KlLoss(), RmuForgetLoss.seeded(0, 32, 2.0, 3),
          new RmuRetainLoss(0))) {
        for (Tensor p : model.parameters().values()) {
          p.mutable_grad().put(new Tensor());  // undefined: backward allocates a fresh gradient
        }
        evaluator.accumulate(loss, batch, 2);
        float[] grad = HostArrays.toFloats(weight.grad());
        FloatPointer w = new FloatPointer(weight.data_ptr());
        for (int k : largest(grad, 3)) {
          float saved = w.get(k);
          double h = 1e-2;
          w.put(k, (float) (saved + h));
          double up = evaluator.evaluate(loss, batch, 1);
          w.put(k, (float) (saved - h));
          double down = evaluator.evaluate(loss, batch, 1);
          w.put(k, saved);
          double numeric = (up - down) / (2 * h);
          assertEquals(numeric, grad[k], 0.05 * Math.abs(numeric) + 1e-4, loss.name() + " weight " + k);
        }
      }
      reference.close();
    }
  }

  static int[] largest(float[] g, int n) {
    return java.util.stream.IntStream.range(0, g.length).boxed()
        .sorted((a, b) -> Float.compare(Math.abs(g[b]), Math.abs(g[a])))
        .limit(n).mapToInt(Integer::intValue).toArray();
  }

}
