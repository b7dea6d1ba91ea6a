package org.blurnative.kernel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.pytorch.AbstractTensor;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.OutputArchive;
import org.bytedeco.pytorch.Tensor;

/**
 * An optimizer's state in LibTorch's archive format (for our own checkpoints only; what users
 * load elsewhere is the model's safetensors): the step count and named state tensors.
 */
final class OptimizerArchive {
  private static final String STEPS = "steps";

  private OptimizerArchive() {}

  static void save(Path file, long steps, Map<String, Tensor> state, OutputArchive archive) {
    archive.write(STEPS, AbstractTensor.create(steps), false);
    state.forEach((name, t) -> archive.write(name, t, false));
    archive.save_to(file.toString());
  }

  static void save(Path file, long steps, Map<String, Tensor> state) {
    try (OutputArchive archive = new OutputArchive()) {
      save(file, steps, state, archive);
    }
  }

  /** Reads the named tensors into {@code into} (copying, shapes must match); returns the steps. */
  static long load(Path file, Map<String, Tensor> into, InputArchive archive) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("optimizer state " + file + " does not exist");
    }
    archive.load_from(file.toString());
    Tensor steps = new Tensor();
    archive.read(STEPS, steps, false);
    for (Map.Entry<String, Tensor> e : into.entrySet()) {
      Tensor stored = new Tensor();
      archive.read(e.getKey(), stored, false);
      if (stored.numel() != e.getValue().numel()) {
        throw new IllegalArgumentException(file + ": optimizer state '" + e.getKey() + "' has "
            + stored.numel() + " elements, this model has " + e.getValue().numel());
      }
      e.getValue().copy_(stored.view(e.getValue().sizes()));
    }
    return steps.item_long();
  }

  static long load(Path file, Map<String, Tensor> into) {
    try (InputArchive archive = new InputArchive()) {
      return load(file, into, archive);
    }
  }
}
