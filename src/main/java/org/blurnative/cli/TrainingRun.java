package org.blurnative.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.blurnative.eval.AlignmentPlot;
import org.blurnative.io.InputDigests.FileDigest;
import org.blurnative.kernel.Backend;
import org.blurnative.kernel.ComputeThreads;
import org.blurnative.kernel.UpdateKernel;
import org.blurnative.kernel.jni.BlurNative;
import org.blurnative.model.LlamaModel;
import org.blurnative.train.Objective;
import org.blurnative.train.RunDirectory;
import org.blurnative.train.StepMetrics;
import org.blurnative.train.Trainer;
import org.blurnative.train.TrainingSettings;
import org.blurnative.update.UpdateRule;
import org.bytedeco.openblas.global.openblas_full;
import org.bytedeco.pytorch.global.torch;

/**
 * What `train` and `finetune` share once their inputs are loaded and valid: the run directory,
 * run.json, the loop under a progress bar, and the final model.
 */
final class TrainingRun {
  private TrainingRun() {}

  /**
   * Opens the backend; `cpu` falls back to `torch` with a warning if libblur cannot load. `cuda`
   * is refused: models load on the CPU and batches and losses are CPU tensors, so training on a
   * GPU is not built yet (the CUDA kernels serve `bench` and other trainers, through
   * libblur_cuda.so).
   */
  static UpdateKernel kernel(TrainingOptions o, PrintWriter err) {
    Backend backend = Backend.parse(o.backend);
    if (backend == Backend.CUDA) {
      throw new IllegalArgumentException("--backend cuda: training runs on the CPU in this version "
          + "(cpu, torch or java); the CUDA kernels serve `bench` and other trainers through libblur_cuda.so");
    }
    ComputeThreads.configure(o.threads);
    return backend.openWithFallback(o.threads, err::println);
  }

  /**
   * Runs the loop and saves the model, holding the run directory's lock throughout; {@code config}
   * and {@code inputs} (the content digests of what the run reads) go into run.json next to
   * versions and machine facts. Nothing is written before this point, so bad input leaves no
   * directory. A gradient that underflows float32 is reported on {@code err}, once.
   */
  static void execute(String task, TrainingOptions o, TrainingSettings settings, UpdateKernel kernel,
      LlamaModel model, Objective forget, Objective retain, UpdateRule rule, int padId,
      Map<String, Object> config, Map<String, List<FileDigest>> inputs, PrintWriter out, PrintWriter err)
      throws IOException {
    try (RunDirectory run = RunDirectory.open(o.out, o.resume)) {
      Map<String, Object> info = new LinkedHashMap<>();
      info.put("task", task);
      info.put("config", config);
      info.put("inputs", inputs);
      info.put("settings", settings);
      info.put("backend", kernel.name());
      info.put("threads", Map.of("openblas", openblas_full.openblas_get_num_threads(),
          "libtorch_intra_op", torch.get_num_threads(), "libblur", BlurNative.blur_get_num_threads()));
      info.put("world_size", 1);
      info.put("effective_batch", settings.batchSize());
      info.put("versions", Map.of("blur-native", VersionProvider.version(),
          "java", System.getProperty("java.version"), "libtorch", "2.10.0 (bytedeco 1.5.13)"));
      info.put("trainable_parameters", model.trainableParameters().values().stream().mapToLong(t -> t.numel()).sum());
      LongConsumer onStart;
      if (o.resume) {  // run.json is rewritten once the run has restarted from its checkpoint
        RunDirectory.Resumption resumption = run.resumption(info,
            List.of("task", "config", "inputs", "settings", "trainable_parameters"));
        onStart = from -> writeRunInfo(run, resumption.info(from));
      } else {
        run.writeRunInfo(info);
        onStart = from -> {};
      }

      UnderflowWarning watched = new UnderflowWarning(rule, err);
      Trainer trainer = new Trainer(model, kernel, forget, retain, watched, settings, padId, run.root());
      try (ProgressBar bar = new ProgressBarBuilder().setTaskName(task)
          .setInitialMax(settings.steps()).setConsumer(new ConsoleProgressBarConsumer(System.err))
          .setUpdateIntervalMillis(500).build()) {
        trainer.run(o.resume, onStart, m -> {
          watched.stepDone(m.step());
          bar.stepTo(m.step());
          bar.setExtraMessage(summary(m));
        });
      }
      run.saveModel(model);
      if (retain != null) {  // the paper's alignment figures need both gradients
        AlignmentPlot.write(run.root().resolve("metrics.jsonl"), run.root().resolve("plots/alignment.png"), task);
      }
      out.println(task + ": model in " + run.model() + ", metrics in " + run.root().resolve("metrics.jsonl"));
    }
  }

  private static void writeRunInfo(RunDirectory run, Map<String, Object> info) {
    try {
      run.writeRunInfo(info);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String summary(StepMetrics m) {
    String s = m.skipped() ? " skipped" : String.format(" f=%.4f", m.forgetLoss());
    if (m.retainLoss() != null) {
      s += String.format(" r=%.4f", m.retainLoss());
    }
    if (m.cos() != null) {
      s += String.format(" cos=%+.2f", m.cos());
    }
    return s;
  }
}
