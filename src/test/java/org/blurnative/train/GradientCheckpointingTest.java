package org.blurnative.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.blurnative.data.AlignedBatch;
import org.blurnative.data.BatchOptions;
import org.blurnative.data.Collator;
import org.blurnative.data.TokenBatch;
import org.blurnative.kernel.Backend;
import org.blurnative.loss.DpoLoss;
import org.blurnative.loss.KlLoss;
import org.blurnative.loss.Loss;
import org.blurnative.loss.LossInputs;
import org.blurnative.loss.NllLoss;
import org.blurnative.loss.NpoLoss;
import org.blurnative.loss.RmuForgetLoss;
import org.blurnative.loss.RmuRetainLoss;
import org.blurnative.model.Activations;
import org.blurnative.model.Dtype;
import org.blurnative.model.FlatGradients;
import org.blurnative.model.FlatParameters;
import org.blurnative.model.HostArrays;
import org.blurnative.model.LlamaModel;
import org.blurnative.model.ModelConfig;
import org.blurnative.model.SmallModels;
import org.blurnative.update.BlurRule;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --gradient-checkpointing against autograd's own backward: the same flat gradients, accumulated
 * over two micro-batches through FlatGradients' .grad views, for every kind of loss input (logits,
 * the reference's logits, a layer's activations, both at once, DPO's two passes), in fp32 and bf16,
 * with every weight trained and with only the top layer; and three BLUR-NPO steps that end at the
 * same θ.
 *
 * <p>Tolerances, relative to the largest gradient element: fp32 1e-6, bf16 1.6e-2. Each layer's
 * recomputed forward and its backward are bitwise those of the stored path (RMU's gradients, which
 * stop at layer 1, agree exactly in both dtypes); what differs is the order in which the tied
 * embedding's two contributions (as lm_head and as the embedding) and a read layer's two (from the
 * loss and from the layer above) are added into the .grad buffer, over two micro-batches: up to
 * four roundings, each 2⁻⁸ = 3.9e-3 of the element in bf16. Measured here: fp32 at most 1.1e-7
 * (DPO, whose two passes also add into the buffer in another order), bf16 at most 7.6e-3; each run
 * prints its own.
 */
class GradientCheckpointingTest {
  static final double FP32_TOLERANCE = 1e-6;
  static final double BF16_TOLERANCE = 1.6e-2;

  /** hidden 36 in 6 heads of 6 with 3 kv heads (pairs of query heads), intermediate 96, 3 layers. */
  static final ModelConfig CONFIG = SmallModels.byteLevel(36, 3, 6, 128);

  /** A loss that reads the logits and layer 0's activations at once: NLL plus RMU's forget distance. */
  record LogitsAndHidden(Loss nll, Loss rmu) implements Loss {
    LogitsAndHidden() {
      this(new NllLoss(), RmuForgetLoss.seeded(0, CONFIG.hiddenSize(), 2.0, 5));
    }

    @Override
    public String name() {
      return "nll+rmu";
    }

    @Override
    public Set<Need> needs() {
      return Set.of(Need.LOGITS, Need.HIDDEN);
    }

    @Override
    public int hiddenLayer() {
      return 0;
    }

    @Override
    public Tensor value(LossInputs in) {
      return nll.value(in).add(rmu.value(in));
    }
  }

  static List<Loss> losses() {
    return List.of(new NpoLoss(0.5), new NllLoss(), new KlLoss(),
        RmuForgetLoss.seeded(1, CONFIG.hiddenSize(), 2.0, 3), new RmuRetainLoss(1), new LogitsAndHidden());
  }

  @Test
  void fp32GradientsEqualAutogradsForEveryLoss() {
    assertSameGradients(Dtype.FLOAT32, null, FP32_TOLERANCE);
  }

  @Test
  void bf16GradientsEqualAutogradsForEveryLoss() {
    assertSameGradients(Dtype.BFLOAT16, null, BF16_TOLERANCE);
  }

  /** Only layer 2 and the final norm trained: backward stops below layer 2 in both paths. */
  @Test
  void onlyTheTopLayerTrainedGivesTheSameGradients() {
    assertSameGradients(Dtype.FLOAT32, "layers\\.2\\.|model\\.norm", FP32_TOLERANCE);
  }

  static void assertSameGradients(Dtype dtype, String trainable, double tolerance) {
    try (LlamaModel model = LlamaModel.random(CONFIG.withTorchDtype(dtype), 31);
        PointerScope scope = new PointerScope()) {
      LlamaModel reference = model.frozenCopy();
      // off the reference, so that NPO's log-ratio and KL's gradient are not at their trivial point
      try (NoGradGuard g = new NoGradGuard()) {
        for (Tensor p : model.parameters().values()) {
          p.mul_(new Scalar(1.05));
        }
      }
      if (trainable != null) {
        model.setTrainable(trainable);
      }
      // four answers of different lengths: padded rows in each micro-batch
      TokenBatch batch = new Collator(TinyRun.TOKENIZER.padId(), BatchOptions.training(64))
          .collate(TinyRun.examples(TinyRun.records(3, 4)));
      for (Loss loss : losses()) {
        if (trainable != null && !loss.needs().contains(Loss.Need.LOGITS)) {
          continue;  // RMU's losses stop at layer 1 or below, under the trained layer: no gradient to compare
        }
        double[] stored = gradient(model, reference, loss, batch, Activations.STORED);
        double[] recomputed = gradient(model, reference, loss, batch, Activations.RECOMPUTED);
        double scale = maxAbs(stored);
        double error = maxDiff(stored, recomputed) / scale;
        System.out.printf("gradient checkpointing, %s %s%s: max |Δg| / max |g| = %.2e%n", dtype.torchName(),
            loss.name(), trainable == null ? "" : " (top layer only)", error);
        assertTrue(scale > 0, loss.name() + ": a zero gradient proves nothing");
        assertTrue(error <= tolerance, loss.name() + ": the gradients differ by " + error + " of max |g|");
      }
      reference.close();
    }
  }

  /**
   * DPO reads two passes of the trained model, over the answers and over their alternates: both
   * recomputed, one backward through both, the gradient autograd's.
   */
  @Test
  void dpoGradientsThroughBothRecomputedPassesEqualAutogradsInBothDtypes() {
    for (Dtype dtype : List.of(Dtype.FLOAT32, Dtype.BFLOAT16)) {
      try (LlamaModel model = LlamaModel.random(CONFIG.withTorchDtype(dtype), 37);
          PointerScope scope = new PointerScope()) {
        LlamaModel reference = model.frozenCopy();
        try (NoGradGuard g = new NoGradGuard()) {
          for (Tensor p : model.parameters().values()) {
            p.mul_(new Scalar(1.05));
          }
        }
        Collator collator = new Collator(TinyRun.TOKENIZER.padId(), BatchOptions.training(64));
        // items 1000–1003 are longer than items 3–6: the two passes differ in length
        AlignedBatch pairs = new AlignedBatch(collator.collate(TinyRun.examples(TinyRun.records(3, 4))),
            collator.collate(TinyRun.examples(TinyRun.records(1000, 4))));
        Loss dpo = new DpoLoss(0.5);
        double[] stored = gradient(model, reference, dpo, pairs, Activations.STORED);
        double[] recomputed = gradient(model, reference, dpo, pairs, Activations.RECOMPUTED);
        double scale = maxAbs(stored);
        double error = maxDiff(stored, recomputed) / scale;
        System.out.printf("gradient checkpointing, %s dpo (two passes): max |Δg| / max |g| = %.2e%n",
            dtype.torchName(), error);
        assertTrue(scale > 0, "a zero gradient proves nothing");
        assertTrue(error <= (dtype == Dtype.FLOAT32 ? FP32_TOLERANCE : BF16_TOLERANCE),
            "the gradients differ by " + error + " of max |g|");
        reference.close();
      }
    }
  }

  static double[] gradient(LlamaModel model, LlamaModel reference, Loss loss, TokenBatch batch,
      Activations activations) {
    return gradient(model, reference, loss, AlignedBatch.of(batch), activations);
  }

  /** ∂loss/∂θ over the batch in two micro-batches, accumulated into a flat buffer as the trainer does. */
  static double[] gradient(LlamaModel model, LlamaModel reference, Loss loss, AlignedBatch batch,
      Activations activations) {
    FlatGradients grads = FlatGradients.of(model);
    try (Tensor flat = grads.allocate()) {
      grads.pointAt(flat);
      new LossEvaluator(model, reference, 0, 1, activations, Accumulation.EVERY_MICRO_BATCH)
          .accumulate(loss, batch, 2);
      return HostArrays.toDoubles(flat);
    }
  }

  /** Three BLUR-NPO steps (NPO forget, KL retain, AdamW) with and without recomputation. */
  @Test
  void trainingWithRecomputationEndsWhereTrainingWithoutDoes(@TempDir Path dir) throws Exception {
    double[] stored = train(false, dir.resolve("stored"));
    double[] recomputed = train(true, dir.resolve("recomputed"));
    double error = maxDiff(stored, recomputed) / maxAbs(stored);
    System.out.printf("gradient checkpointing, 3 BLUR-NPO steps: max |Δθ| / max |θ| = %.2e%n", error);
    assertTrue(error <= 1e-6, "θ differs by " + error + " of max |θ|");
  }

  static double[] train(boolean gradientCheckpointing, Path run) throws Exception {
    try (LlamaModel model = LlamaModel.random(CONFIG, 7)) {
      TrainingSettings s = TinyRun.settings(8, 2, 3, 1e-3, 0);
      TrainingSettings settings = new TrainingSettings(s.batchSize(), s.microBatches(), s.steps(), s.maxLength(),
          s.schedule(), s.optimizer(), s.clipNorm(), s.maxSkips(), s.checkpointEvery(), s.checkpointSeconds(),
          s.keep(), s.seed(), s.adaptiveLrEvery(), s.adaptiveLrLoss(), gradientCheckpointing, s.accumulation());
      Trainer trainer = new Trainer(model, Backend.CPU.open(0),
          new Objective("forget", new NpoLoss(0.1), TinyRun.examples(TinyRun.records(0, 8))),
          new Objective("retain", new KlLoss(), TinyRun.examples(TinyRun.records(40, 8))),
          new BlurRule(1.0), settings, TinyRun.TOKENIZER.padId(), run);
      List<StepMetrics> metrics = trainer.run(false, m -> {});
      assertEquals(3, metrics.size());
      return HostArrays.toDoubles(FlatParameters.adopt(model).theta());
    }
  }

  static double maxAbs(double[] a) {
    double m = 0;
    for (double x : a) {
      m = Math.max(m, Math.abs(x));
    }
    return m;
  }

  static double maxDiff(double[] a, double[] b) {
    assertEquals(a.length, b.length);
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }
}
