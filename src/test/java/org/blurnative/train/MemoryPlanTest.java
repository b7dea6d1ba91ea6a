package org.blurnative.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.blurnative.model.Dtype;
import org.blurnative.model.ModelConfig;
import org.blurnative.model.SmallModels;
import org.junit.jupiter.api.Test;

/** The plan's buffers worked out by hand for each precision and mode, and what it suggests. */
class MemoryPlanTest {
  static final ModelConfig FP32 = SmallModels.byteLevel(64, 2, 4, 64);  // intermediate 168, 2 kv heads
  static final long N = 1_000_000;       // trainable
  static final long ALL = 1_200_000;     // every weight

  static MemoryPlan.Run run(ModelConfig c, int world, boolean sharded) {
    return run(c, world, sharded, false);
  }

  static MemoryPlan.Run run(ModelConfig c, int world, boolean sharded, boolean gradientCheckpointing) {
    return new MemoryPlan.Run(c, ALL, N, true, true, true, world, sharded, 8, 2, 64, 1, gradientCheckpointing);
  }

  static Map<String, Long> bytes(MemoryPlan p) {
    return p.lines().stream().collect(Collectors.toMap(MemoryPlan.Line::buffer, MemoryPlan.Line::bytes));
  }

  @Test
  void fp32KeepsFourBuffersOfFourBytesAndTheReference() {
    Map<String, Long> b = bytes(MemoryPlan.of(run(FP32, 1, false)));
    assertEquals(Map.of("weights not trained", 4 * 200_000L, "θ (fp32)", 4 * N, "G_f", 4 * N, "G_r", 4 * N,
        "AdamW m, v", 8 * N, "reference model", 4 * ALL), b);
  }

  @Test
  void bf16HalvesTheModelsBuffersAndAddsTheWorkingCopy() {
    Map<String, Long> b = bytes(MemoryPlan.of(run(FP32.withTorchDtype(Dtype.BFLOAT16), 1, false)));
    assertEquals(Map.of("weights not trained", 2 * 200_000L, "θ (fp32)", 4 * N, "working copy (bfloat16)", 2 * N,
        "G_f", 2 * N, "G_r", 2 * N, "AdamW m, v", 8 * N, "reference model", 2 * ALL), b);
  }

  /** 4 ranks: S = ceil(N/4) rounded up to 64 = 250,048; θ and G padded to 4·S; m, v over S. */
  @Test
  void shardedPadsTheFlatBuffersAndDividesTheOptimizerState() {
    long stride = 250_048;
    Map<String, Long> b = bytes(MemoryPlan.of(run(FP32, 4, true)));
    assertEquals(4 * 4 * stride, b.get("θ (fp32)"));
    assertEquals(4 * 4 * stride, b.get("G_f"));
    assertEquals(2 * 4 * stride, b.get("AdamW m, v (this rank's shard)"));
  }

  /**
   * 4 sequences of 64 tokens, h = 64, kv = 32, f = 168, 4 heads: per layer and token 8·64 + 4·32 +
   * 4·168 + 2·4·64 = 1824 elements; 2 layers × 256 tokens × 1824 × 4 bytes, plus the logits 256 × V
   * × (4 + 8).
   */
  @Test
  void activationsFollowTheDocumentedCount() {
    assertEquals(168, FP32.intermediateSize());
    assertEquals(2L * 256 * 1824 * 4 + 256L * FP32.vocabSize() * 12, MemoryPlan.activations(run(FP32, 1, false)));
    // DPO keeps the graphs of both answers until its backward
    MemoryPlan.Run pairs = new MemoryPlan.Run(FP32, ALL, N, true, true, true, 1, false, 8, 2, 64, 2, false);
    assertEquals(2 * MemoryPlan.activations(run(FP32, 1, false)), MemoryPlan.activations(pairs));
  }

  @Test
  void aPlanThatDoesNotFitNamesWhatWould() {
    MemoryPlan.Run r = run(FP32, 1, false);
    long fp32 = MemoryPlan.of(r).totalBytes();
    long bf16 = MemoryPlan.of(run(FP32.withTorchDtype(Dtype.BFLOAT16), 1, false)).totalBytes();
    List<String> remedies = MemoryPlan.remedies(r, (fp32 + bf16) / 2);
    assertTrue(remedies.get(0).startsWith("--precision bf16"), remedies.toString());
    assertTrue(remedies.stream().anyMatch(s -> s.startsWith("--dist-mode sharded over 2 ranks")), remedies.toString());
    assertEquals(List.of(), MemoryPlan.remedies(r, 1000), "nothing alone makes it fit in 1 KB");
  }

  /**
   * The same run with --gradient-checkpointing: the 2 layers keep (2 + 3) hidden states of h = 64
   * per token (both layers' inputs, the last one's output, the gradients at one layer's output and
   * input) and one layer's 1824 elements; the logits unchanged: 256 × (5 × 64 + 1824) × 4 + 256 × V × 12.
   */
  @Test
  void recomputedActivationsKeepTheLayerInputsAndOneLayer() {
    assertEquals(256L * (5 * 64 + 1824) * 4 + 256L * FP32.vocabSize() * 12,
        MemoryPlan.activations(run(FP32, 1, false, true)));
  }

  /**
   * DPO recomputed: each of its two passes keeps its 3 hidden states and its logits, the one layer
   * recomputed at a time (1824 elements and the 2 gradients around it) is counted once.
   */
  @Test
  void recomputedPairsKeepTwoPassesStatesAndOneLayer() {
    MemoryPlan.Run pairs = new MemoryPlan.Run(FP32, ALL, N, true, true, true, 1, false, 8, 2, 64, 2, true);
    assertEquals(2 * (256L * 3 * 64 * 4 + 256L * FP32.vocabSize() * 12) + 256L * (2 * 64 + 1824) * 4,
        MemoryPlan.activations(pairs));
  }

  /**
   * One sequence of 4096 tokens through 32 layers of h = 64: the attention's scores and probabilities
   * (2 × 4 heads × 4096 per token and layer) dominate, 17.9 GB stored, 8.9 GB in bf16, 0.6 GB
   * recomputed; in 2 GB only --gradient-checkpointing makes it fit (sharding divides no
   * activations, and the micro-batch is one sequence already).
   */
  @Test
  void aPlanOnlyRecomputationMakesFitNamesGradientCheckpointing() {
    ModelConfig deep = SmallModels.byteLevel(64, 32, 4, 4096);
    MemoryPlan.Run r = new MemoryPlan.Run(deep, ALL, N, true, true, true, 1, false, 1, 1, 4096, 1, false);
    long perLayerToken = 8 * 64 + 4 * 32 + 4 * 168 + 2 * 4 * 4096;
    assertEquals(32L * 4096 * perLayerToken * 4 + 4096L * deep.vocabSize() * 12, MemoryPlan.activations(r));
    List<String> remedies = MemoryPlan.remedies(r, 2L << 30);
    assertEquals(1, remedies.size(), remedies.toString());
    assertTrue(remedies.get(0).startsWith("--gradient-checkpointing ("), remedies.toString());
    MemoryPlan.Run recomputed = new MemoryPlan.Run(deep, ALL, N, true, true, true, 1, false, 1, 1, 4096, 1, true);
    assertTrue(MemoryPlan.of(recomputed).totalBytes() <= 2L << 30);
    assertTrue(MemoryPlan.remedies(recomputed, 2L << 30).stream().noneMatch(s -> s.startsWith("--gradient-checkpointing")),
        "a run that recomputes already is not told to");
  }
}
