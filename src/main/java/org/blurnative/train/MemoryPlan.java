package org.blurnative.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.blurnative.dist.Shard;
import org.blurnative.io.FreeMemory;
import org.blurnative.model.Dtype;
import org.blurnative.model.ModelConfig;

/**
 * What one rank of a training run holds in memory, buffer by buffer, worked out from the model's
 * shape before the trainer allocates anything (DESIGN.md §8; docs/scaling.md for a 7B model):
 *
 * <ul>
 *   <li>the model's weights that are not trained, in the model's dtype;
 *   <li>θ, the flat fp32 vector the optimizer updates (padded to whole shards when sharded); with a
 *       bf16 or fp16 model, the model's trainable weights are a second, working copy in its dtype;
 *   <li>G_f and G_r, in the model's dtype (G_r only with a retain objective);
 *   <li>AdamW's m and v, fp32, over the part of θ this rank owns (all of it unless sharded);
 *   <li>the frozen reference model (NPO, KL, RMU), all weights in the model's dtype;
 *   <li>activations kept for backward, for one micro-batch: an estimate, see {@link #activations};
 *       with --gradient-checkpointing, each layer's input and one layer's activations.
 * </ul>
 *
 * @param lines the buffers, in the order above (empty ones left out)
 * @param activationBytes the activation estimate
 */
public record MemoryPlan(List<Line> lines, long activationBytes) {

  /** One buffer: {@code elements} of {@code bytesPerElement} each. */
  public record Line(String buffer, long elements, int bytesPerElement) {
    public long bytes() {
      return elements * bytesPerElement;
    }
  }

  /**
   * The run's shape.
   *
   * @param config the model, its torch_dtype the one it computes in
   * @param allParameters every weight of the model
   * @param trainableParameters those in θ
   * @param retain whether there is a retain objective (and so G_r)
   * @param reference whether a loss needs the frozen reference model
   * @param adamw AdamW (m and v) rather than SGD (no state)
   * @param worldSize ranks, and {@code sharded} whether they shard the optimizer state
   * @param batch sequences per step, in {@code microBatches} forward/backward passes
   * @param maxLength tokens per sequence, at most
   * @param graphs forward passes whose graphs a micro-batch keeps until its backward: 1, or 2 for
   *     a loss on answer pairs (DPO's forget and alternate answers)
   * @param gradientCheckpointing whether backward recomputes each layer's activations
   */
  public record Run(ModelConfig config, long allParameters, long trainableParameters, boolean retain,
      boolean reference, boolean adamw, int worldSize, boolean sharded, int batch, int microBatches, int maxLength,
      int graphs, boolean gradientCheckpointing) {

    /** Sequences in one forward/backward pass. */
    int rowsPerMicroBatch() {
      return (batch + microBatches - 1) / microBatches;
    }

    /** The same run computing in {@code dtype} (the remedies' --precision). */
    Run withDtype(Dtype dtype) {
      return new Run(config.withTorchDtype(dtype), allParameters, trainableParameters, retain, reference, adamw,
          worldSize, sharded, batch, microBatches, maxLength, graphs, gradientCheckpointing);
    }

    /** The same batch in {@code passes} forward/backward passes (--micro-batch). */
    Run withMicroBatches(int passes) {
      return new Run(config, allParameters, trainableParameters, retain, reference, adamw, worldSize, sharded, batch,
          passes, maxLength, graphs, gradientCheckpointing);
    }

    /** The same run with activations recomputed (--gradient-checkpointing). */
    Run recomputed() {
      return new Run(config, allParameters, trainableParameters, retain, reference, adamw, worldSize, sharded, batch,
          microBatches, maxLength, graphs, true);
    }

    /** The same run's AdamW state sharded over {@code ranks} (--dist-mode sharded). */
    Run shardedOver(int ranks) {
      return new Run(config, allParameters, trainableParameters, retain, reference, adamw, ranks, true, batch,
          microBatches, maxLength, graphs, gradientCheckpointing);
    }
  }

  public static MemoryPlan of(Run r) {
    Dtype dtype = r.config().torchDtype();
    int b = dtype.bytes();
    long n = r.trainableParameters();
    long padded = r.sharded() ? r.worldSize() * Shard.stride(r.worldSize(), n) : n;
    long owned = r.sharded() ? Shard.stride(r.worldSize(), n) : n;
    List<Line> lines = new ArrayList<>();
    lines.add(new Line("weights not trained", r.allParameters() - n, b));
    lines.add(new Line("θ (fp32)", padded, Float.BYTES));
    if (dtype != Dtype.FLOAT32) {
      lines.add(new Line("working copy (" + dtype.torchName() + ")", n, b));
    }
    lines.add(new Line("G_f", padded, b));
    if (r.retain()) {
      lines.add(new Line("G_r", padded, b));
    }
    if (r.adamw()) {
      lines.add(new Line("AdamW m, v" + (r.sharded() ? " (this rank's shard)" : ""), 2 * owned, Float.BYTES));
    }
    if (r.reference()) {
      lines.add(new Line("reference model", r.allParameters(), b));
    }
    lines.removeIf(l -> l.elements() == 0);
    return new MemoryPlan(List.copyOf(lines), activations(r));
  }

  /**
   * Activations autograd keeps for one micro-batch of {@code rows × maxLength} tokens: per layer
   * and token, the inputs and outputs of both RMSNorms (4h), q, k, v and their rotations (2h + 4kv),
   * the attention output and its projection (2h), the MLP's gate, up, SiLU and product (4f), and
   * the attention scores and probabilities (2·heads·T), in the model's dtype; then the logits, their
   * fp32 log-softmax and its gradient (V·(b + 8) per token); times the graphs kept at once. An
   * upper bound on this term: batches are padded to their longest sequence, not to --max-length.
   *
   * <p>With --gradient-checkpointing ({@code model.RecomputingForwardPass}) each graph keeps only
   * hidden states, (L + 1)·h per token (every layer's input and the last layer's output), and its
   * logits' term; one layer is recomputed at a time, so its activations as above and the gradients
   * arriving at and leaving it, 2·h per token, are counted once however many graphs there are.
   */
  static long activations(Run r) {
    ModelConfig c = r.config();
    long tokens = (long) r.rowsPerMicroBatch() * r.maxLength();
    long h = c.hiddenSize();
    long kv = h / c.numAttentionHeads() * c.numKeyValueHeads();
    long perLayerToken = 8 * h + 4 * kv + 4L * c.intermediateSize() + 2L * c.numAttentionHeads() * r.maxLength();
    int b = c.torchDtype().bytes();
    long oneLayer = tokens * perLayerToken * b;
    long logits = tokens * c.vocabSize() * (b + 2L * Float.BYTES);
    if (r.gradientCheckpointing()) {
      return r.graphs() * ((c.numHiddenLayers() + 1L) * tokens * h * b + logits) + 2 * tokens * h * b + oneLayer;
    }
    return r.graphs() * (c.numHiddenLayers() * oneLayer + logits);
  }

  /**
   * What would make {@code r} fit in {@code available} bytes, each change alone, in flags: bf16,
   * more micro-batches, recomputed activations, or the optimizer state sharded over more ranks,
   * each with memory of its own (GPUs or machines: ranks on one machine share its memory). Empty
   * when none alone does.
   */
  public static List<String> remedies(Run r, long available) {
    List<String> remedies = new ArrayList<>();
    if (r.config().torchDtype() == Dtype.FLOAT32) {
      Run bf16 = r.withDtype(Dtype.BFLOAT16);
      if (of(bf16).totalBytes() <= available) {
        remedies.add("--precision bf16 (" + size(of(bf16).totalBytes()) + ")");
      }
    }
    if (r.rowsPerMicroBatch() > 1) {
      Run one = r.withMicroBatches(r.batch());
      if (of(one).totalBytes() <= available) {
        remedies.add("--micro-batch " + r.batch() + " (one sequence per pass, " + size(of(one).totalBytes()) + ")");
      }
    }
    if (!r.gradientCheckpointing()) {
      Run recomputed = r.recomputed();
      if (of(recomputed).totalBytes() <= available) {
        remedies.add("--gradient-checkpointing (" + size(of(recomputed).totalBytes()) + ")");
      }
    }
    if (r.adamw()) {
      for (int world = Math.max(2, r.worldSize() * 2); world <= 1024; world *= 2) {
        Run sharded = r.shardedOver(world);
        if (of(sharded).totalBytes() <= available) {
          remedies.add("--dist-mode sharded over " + world + " ranks with memory of their own, GPUs or machines ("
              + size(of(sharded).totalBytes()) + " each)");
          break;
        }
      }
    }
    return remedies;
  }

  /** Every buffer's bytes but the activations'. */
  public long bufferBytes() {
    return lines.stream().mapToLong(Line::bytes).sum();
  }

  public long totalBytes() {
    return bufferBytes() + activationBytes;
  }

  /**
   * One line: each buffer's size and bytes per trainable parameter, the activations, the total,
   * and the memory free where the run keeps them (or why that is unknown).
   */
  public String describe(long trainableParameters, FreeMemory.Reading free) {
    StringBuilder s = new StringBuilder("memory plan per rank: ");
    for (Line l : lines) {
      s.append(l.buffer()).append(' ').append(size(l.bytes()));
      if (trainableParameters > 0) {
        s.append(String.format(Locale.ROOT, " (%.3g B/param)", (double) l.bytes() / trainableParameters));
      }
      s.append(", ");
    }
    s.append("activations ≈ ").append(size(activationBytes)).append("; total ").append(size(totalBytes()));
    s.append(free.known() ? " of " + size(free.bytes()) + " " + free.what() : " (not checked: " + free.what() + ")");
    return s.toString();
  }

  /** Bytes as people read them: KB, MB or GB (binary). */
  public static String size(long bytes) {
    if (bytes < 1L << 20) {
      return String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
    }
    if (bytes < 1L << 30) {
      return String.format(Locale.ROOT, "%.1f MB", bytes / (double) (1L << 20));
    }
    return String.format(Locale.ROOT, "%.2f GB", bytes / (double) (1L << 30));
  }
}
