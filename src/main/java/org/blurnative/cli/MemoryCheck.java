package org.blurnative.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.blurnative.dist.DistMode;
import org.blurnative.io.ProcMemory;
import org.blurnative.kernel.OptimizerSettings;
import org.blurnative.model.LlamaModel;
import org.blurnative.train.MemoryPlan;
import org.blurnative.train.Objective;
import org.blurnative.train.TrainingSettings;

/**
 * The memory plan of a run, printed before the trainer allocates anything and refused when it
 * cannot fit the machine's available memory, naming what would make it fit; after the run, the
 * plan next to what the process really held (its peak resident memory), so the estimate can be
 * checked. Only the CPU's memory is known here: on a GPU the plan is printed, not checked.
 */
final class MemoryCheck {
  private final MemoryPlan plan;
  private final MemoryPlan.Run run;
  private final long loadedBytes;     // the weights, already in memory when the plan is made
  private final long residentAtPlan;
  private final long heapAtPlan;
  private long availableAtCheck;

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
    MemoryPlan.Run run = new MemoryPlan.Run(model.config(), all, trainable, retain != null, reference,
        settings.optimizer() instanceof OptimizerSettings.AdamW, worldSize, worldSize > 1 && mode == DistMode.SHARDED,
        settings.batchSize(), settings.microBatches(), settings.maxLength(),
        Math.max(forget.graphs(), retain == null ? 1 : retain.graphs()), settings.gradientCheckpointing());
    return new MemoryCheck(run, all * model.config().torchDtype().bytes());
  }

  /**
   * Refuses, in one sentence, a plan larger than the available memory of the machine when the run
   * is on its CPU ({@code onCpu}), naming what would make it fit; before anything is allocated.
   */
  void requireFits(boolean onCpu) {
    availableAtCheck = onCpu ? ProcMemory.available() : 0;
    if (availableAtCheck > 0 && plan.totalBytes() > availableAtCheck) {
      List<String> remedies = MemoryPlan.remedies(run, availableAtCheck);
      throw new IllegalArgumentException("the run needs about " + MemoryPlan.size(plan.totalBytes()) + " but "
          + MemoryPlan.size(availableAtCheck) + " is available; " + (remedies.isEmpty()
              ? "no one change of --precision, --micro-batch, --gradient-checkpointing or --dist-mode sharded"
                  + " makes it fit"
              : "it would fit with " + String.join(", or ", remedies)));
    }
  }

  /** The plan in one line, against the memory {@link #requireFits} found available. */
  String describe() {
    return plan.describe(run.trainableParameters(), availableAtCheck);
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
