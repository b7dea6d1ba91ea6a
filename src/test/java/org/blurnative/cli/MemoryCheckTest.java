package org.blurnative.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.blurnative.data.TokenizedExample;
import org.blurnative.dist.DistMode;
import org.blurnative.io.FreeMemory;
import org.blurnative.kernel.CudaFreeMemory;
import org.blurnative.kernel.OptimizerSettings;
import org.blurnative.loss.NllLoss;
import org.blurnative.model.LlamaModel;
import org.blurnative.model.ModelConfig;
import org.blurnative.model.SmallModels;
import org.blurnative.train.Accumulation;
import org.blurnative.train.LearningRateSchedule;
import org.blurnative.train.MemoryPlan;
import org.blurnative.train.Objective;
import org.blurnative.train.ProbeLoss;
import org.blurnative.train.TrainingSettings;
import org.junit.jupiter.api.Test;

/**
 * The plan checked against the memory free where the run lives, through the FreeMemory seam: a
 * GPU's reading is stood in for here (no GPU on the build machines), the real CUDA query is
 * scripts/gpu_check.py's and the C refusal tests'.
 */
class MemoryCheckTest {
  /**
   * hidden 64, 2 layers, 4 heads (2 kv heads of 16), intermediate 168, byte-level vocabulary 260,
   * tied embeddings: 260·64 + 2·(64·64 + 2·32·64 + 64·64 + 3·168·64 + 2·64) + 64 = 106,048 weights.
   */
  static final ModelConfig SMALL = SmallModels.byteLevel(64, 2, 4, 64);
  static final long WEIGHTS = 106_048;
  static final TrainingSettings SETTINGS = new TrainingSettings(8, 2, 1, 64,
      new LearningRateSchedule(LearningRateSchedule.Kind.CONSTANT, 1e-3, 0, 1),
      new OptimizerSettings.AdamW(0.9, 0.999, 1e-8, 0.0), 0, 3, 0, 0, 2, 1, 0, ProbeLoss.COMBINED,
      false, Accumulation.EVERY_MICRO_BATCH);

  static MemoryCheck newModel() {
    return MemoryCheck.ofNewModel(SMALL, SETTINGS, 1, DistMode.REPLICATED);
  }

  static FreeMemory gpuWith(long bytes) {
    return () -> new FreeMemory.Reading(bytes, "free on cuda:0");
  }

  /** Finetune's new model: every weight trained, θ, G_f and AdamW's m and v, nothing else. */
  @Test
  void aNewModelIsPlannedFromItsConfigAlone() {
    var json = newModel().asJson();
    assertEquals(4 * WEIGHTS, json.get("θ (fp32)"));
    assertEquals(4 * WEIGHTS, json.get("G_f"));
    assertEquals(8 * WEIGHTS, json.get("AdamW m, v"));
    assertEquals(5, json.size(), "θ, G_f, m and v, the activations and the total: " + json);
    // activations as MemoryPlanTest counts them: 2 layers × 256 tokens × 1824 × 4 bytes + 256 × 260 × 12
    assertEquals(16 * WEIGHTS + 2L * 256 * 1824 * 4 + 256L * 260 * 12, json.get("total"));
  }

  @Test
  void aPlanLargerThanTheGpusFreeMemoryIsRefusedInOneSentence() {
    MemoryCheck check = newModel();
    long total = (Long) check.asJson().get("total");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> check.requireFits(gpuWith(total - 1)));
    assertTrue(e.getMessage().startsWith("the run needs about "), e.getMessage());
    assertTrue(e.getMessage().contains(" is free on cuda:0; "), e.getMessage());
    assertTrue(e.getMessage().contains("it would fit with --precision bf16"), e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
  }

  /**
   * train's model is loaded before the check, so the memory it reads no longer has the weights the
   * plan counts: what the plan may take is that memory and the weights' own.
   */
  @Test
  void theLoadedWeightsAreCountedOnceNotAgainstTheMemoryTheyAlreadyLeftOut() {
    LlamaModel model = LlamaModel.random(SMALL, 1);
    Objective forget = new Objective("forget", new NllLoss(), List.of(new TokenizedExample(new int[] {1}, new int[] {2}, 0)));
    MemoryCheck check = MemoryCheck.of(model, forget, null, SETTINGS, 1, DistMode.REPLICATED);
    long total = (Long) check.asJson().get("total");
    long weights = 4 * WEIGHTS;
    check.requireFits(gpuWith(total - weights));
    assertTrue(check.describe().endsWith(" of " + MemoryPlan.size(total) + " free on cuda:0 with the "
        + MemoryPlan.size(weights) + " the loaded weights hold"), check.describe());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> check.requireFits(gpuWith(total - weights - 1)));
    assertTrue(e.getMessage().contains(" free on cuda:0 with the " + MemoryPlan.size(weights)
        + " the loaded weights hold; "), e.getMessage());
  }

  @Test
  void aPlanThatFitsIsPrintedAgainstTheGpusFreeMemory() {
    MemoryCheck check = newModel();
    check.requireFits(gpuWith(3L << 30));
    assertTrue(check.describe().endsWith(" of 3.00 GB free on cuda:0"), check.describe());
  }

  @Test
  void memoryThatCannotBeReadIsNotCheckedAndThePlanSaysWhy() {
    MemoryCheck check = newModel();
    check.requireFits(() -> FreeMemory.Reading.unknown("cuda:0's free memory is unknown: no library"));
    assertTrue(check.describe().endsWith(" (not checked: cuda:0's free memory is unknown: no library)"),
        check.describe());
  }

  /**
   * On this machine's CUDA library: a GPU answers with its free bytes; without one (or without the
   * library) the reading is unknown and its reason is one line naming the device.
   */
  @Test
  void theCudaReadingIsTheGpusFreeMemoryOrOneLineSayingWhyNot() {
    FreeMemory.Reading r = CudaFreeMemory.of(0).read();
    if (r.known()) {
      assertEquals("free on cuda:0", r.what());
      assertTrue(r.bytes() > 0);
    } else {
      assertTrue(r.what().startsWith("cuda:0's free memory is unknown: "), r.what());
      assertEquals(1, r.what().lines().count(), r.what());
    }
    FreeMemory.Reading past = CudaFreeMemory.of(Integer.MAX_VALUE).read();
    assertTrue(!past.known() && past.what().startsWith("cuda:" + Integer.MAX_VALUE + "'s free memory is unknown: "),
        past.what());
  }

  @Test
  void theMachinesReadingIsMemAvailable() {
    FreeMemory.Reading r = FreeMemory.machine().read();
    assertTrue(r.known(), r.what());  // the build machines are Linux
    assertEquals("available", r.what());
  }
}
