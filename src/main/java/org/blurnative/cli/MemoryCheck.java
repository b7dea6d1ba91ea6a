package org.blurnative.cli;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.blurnative.dist.DistMode;
import org.blurnative.io.FreeMemory;
import org.blurnative.io.ProcMemory;
import org.blurnative.kernel.CudaFreeMemory;
import org.blurnative.kernel.OptimizerSettings;
import org.blurnative.model.LlamaModel;
import org.blurnative.model.ModelConfig;
import org.blurnative.train.MemoryPlan;
import org.blurnative.train.Objective;
import org.blurnative.train.TrainingSettings;
import org.bytedeco.pytorch.Device;

/**
 * The memory plan of a run, printed before the trainer allocates anything and refused when it
 * cannot fit the memory free where its buffers live (the machine's on the CPU, the GPU's on
 * cuda:N), naming what would make it fit; after the run, the plan next to what the process really
 * held (its peak resident memory), so the estimate can be checked.
 */
final class MemoryCheck {
  private final MemoryPlan plan;
  private final MemoryPlan.Run run;
  private final long loadedBytes;     // the weights already in memory when the plan is made (0: none yet)
  private final long residentAtPlan;
  private final long heapAtPlan;
  private FreeMemory.Reading freeAtCheck = FreeMemory.Reading.unknown("no memory was read");

  private MemoryCheck(MemoryPlan.Run run, long loadedBytes) {
    this.run = run;
    this.plan = MemoryPlan.of(run);
    this.loadedBytes = loadedBytes;
    this.residentAtPlan = ProcMemory.resident();
    this.heapAtPlan = Runtime.getRuntime().totalMemory();
  }

  /** Plans the run of {@code model} with these objectives and settings on this rank. */
  static MemoryCheck of(LlamaModel model, Objective forget, Objective retain, TrainingSettings settings,
      int worldSize, DistMode mode) {
    long all = model.parameters().values().stream().mapToLong(t -> t.numel()).sum();
    long trainable = model.trainableParameters().values().stream().mapToLong(t -> t.numel()).sum();
    boolean reference = forget.needsReference() || (retain != null && retain.needsReference());
    int graphs = Math.max(forget.graphs(), retain == null ? 1 : retain.graphs());
    return of(model.config(), all, trainable, retain != null, reference, graphs, settings, worldSize, mode, true);
  }

  /**
   * Plans the training of a model not yet allocated (finetune's random start), every weight
   * trained, by one objective with no reference model: so that a model too large for the device
   * is refused before its weights take the memory.
   */
  static MemoryCheck ofNewModel(ModelConfig config, TrainingSettings settings, int worldSize, DistMode mode) {
    long all = LlamaModel.parameterShapes(config).values().stream()
        .mapToLong(shape -> Arrays.stream(shape).reduce(1, Math::multiplyExact)).sum();
    return of(config, all, all, false, false, 1, settings, worldSize, mode, false);
  }

  private static MemoryCheck of(ModelConfig config, long all, long trainable, boolean retain, boolean reference,
      int graphs, TrainingSettings settings, int worldSize, DistMode mode, boolean loaded) {
    MemoryPlan.Run run = new MemoryPlan.Run(config, all, trainable, retain, reference,
        settings.optimizer() instanceof OptimizerSettings.AdamW, worldSize, worldSize > 1 && mode == DistMode.SHARDED,
        settings.batchSize(), settings.microBatches(), settings.maxLength(), graphs, settings.gradientCheckpointing());
    return new MemoryCheck(run, loaded ? all * config.torchDtype().bytes() : 0);
  }

  /** Where a run on {@code device} (--device's, always indexed) keeps its buffers: the machine's memory, or cuda:N's. */
  static FreeMemory freeMemoryOf(Device device) {
    return device.is_cuda() ? CudaFreeMemory.of(device.index()) : FreeMemory.machine();
  }

  /**
   * Refuses, in one sentence, a plan larger than what {@code free} reports plus what the loaded
   * weights already hold (the plan counts them; the reading, made after they were loaded, does
   * not), naming what would make it fit; before anything else is allocated. Memory that cannot be
   * read is not checked, and the plan's line says why.
   */
  void requireFits(FreeMemory free) {
    freeAtCheck = free.read();
    FreeMemory.Reading budget = budget();
    if (budget.known() && plan.totalBytes() > budget.bytes()) {
      List<String> remedies = MemoryPlan.remedies(run, budget.bytes());
      throw new IllegalArgumentException("the run needs about " + MemoryPlan.size(plan.totalBytes()) + " to train but "
          + MemoryPlan.size(budget.bytes()) + " is " + budget.what() + "; " + (remedies.isEmpty()
              ? "no one change of --precision, --micro-batch, --gradient-checkpointing or --dist-mode sharded"
                  + " makes it fit"
              : "it would fit with " + String.join(", or ", remedies)));
    }
  }

  /** The plan in one line, against the memory {@link #requireFits} found. */
  String describe() {
    return plan.describe(run.trainableParameters(), budget());
  }

  /** What the whole plan may take: the memory free at the check and the loaded weights' own. */
  private FreeMemory.Reading budget() {
    if (!freeAtCheck.known() || loadedBytes == 0) {
      return freeAtCheck;
    }
    return new FreeMemory.Reading(freeAtCheck.bytes() + loadedBytes,
        freeAtCheck.what() + " with the " + MemoryPlan.size(loadedBytes) + " the loaded weights hold");
  }

  /** run.json's record of the plan, in bytes. */
  Map<String, Object> asJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    plan.lines().forEach(l -> json.put(l.buffer(), l.bytes()));
    json.put("activations (estimate)", plan.activationBytes());
    json.put("total", plan.totalBytes());
    return json;
  }

  /**
   * The plan against the process's peak: what training added to the resident memory the loaded
   * weights already took, less what the JVM's own heap grew by (Java objects, not in the plan),
   * beside what the plan said it would add.
   */
  String measured() {
    long peak = ProcMemory.peakResident();
    if (peak == 0) {
      return "memory: the peak resident memory is unknown here";
    }
    long heapGrowth = Math.max(0, Runtime.getRuntime().totalMemory() - heapAtPlan);
    long added = peak - residentAtPlan - heapGrowth;
    long planned = plan.totalBytes() - loadedBytes;
    return String.format(java.util.Locale.ROOT, "memory: peak resident %s; training added %s to the %s resident when"
        + " the plan was made, besides %s of JVM heap; the plan said %s (%+.0f %%)", MemoryPlan.size(peak),
        MemoryPlan.size(added), MemoryPlan.size(residentAtPlan), MemoryPlan.size(heapGrowth), MemoryPlan.size(planned),
        100.0 * (added - planned) / planned);
  }
}
