package org.blurnative.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.blurnative.io.AtomicFiles;
import org.blurnative.io.Directories;
import org.blurnative.kernel.FlatOptimizer;
import org.blurnative.model.SafeTensors;
import org.bytedeco.pytorch.Tensor;

/**
 * checkpoints/step-NNNNNNNN/: θ (theta.safetensors, float32), the optimizer's state and the
 * trainer's state. Each is written into a hidden temporary directory that is renamed into place
 * only when complete, so a run killed mid-write leaves the previous checkpoint intact.
 */
final class Checkpoints {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final String THETA = "theta.safetensors";
  private static final String OPTIMIZER = "optimizer.pt";
  private static final String STATE = "trainer.json";

  private final Path dir;
  private final int keep;

  Checkpoints(Path dir, int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException("--keep must be at least 1, got " + keep);
    }
    this.dir = dir;
    this.keep = keep;
  }

  Path save(TrainerState state, Tensor theta, FlatOptimizer optimizer) throws IOException {
    Files.createDirectories(dir);
    String name = String.format("step-%08d", state.step());
    Path temp = Files.createTempDirectory(dir, "." + name + ".");
    try {
      SafeTensors.write(temp.resolve(THETA), Map.of("theta", theta));
      optimizer.save(temp.resolve(OPTIMIZER));
      AtomicFiles.write(temp.resolve(STATE), JSON.writeValueAsBytes(state));
      Path target = dir.resolve(name);
      Directories.deleteTree(target);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      prune();
      return target;
    } finally {
      Directories.deleteTree(temp);
    }
  }

  Optional<Path> latest() throws IOException {
    return all().stream().reduce((a, b) -> b);
  }

  /** Restores θ and the optimizer in place and returns the trainer's state. */
  TrainerState load(Path checkpoint, Tensor theta, FlatOptimizer optimizer) throws IOException {
    for (String file : List.of(THETA, OPTIMIZER, STATE)) {
      if (!Files.isRegularFile(checkpoint.resolve(file))) {
        throw new IOException("checkpoint " + checkpoint + " lacks " + file);
      }
    }
    try (SafeTensors.Reader reader = SafeTensors.open(checkpoint.resolve(THETA))) {
      reader.readInto("theta", theta);
    }
    optimizer.load(checkpoint.resolve(OPTIMIZER));
    return JSON.readValue(checkpoint.resolve(STATE).toFile(), TrainerState.class);
  }

  private List<Path> all() throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("step-\\d{8}") && Files.isDirectory(p))
          .sorted(Comparator.comparing(p -> p.getFileName().toString()))
          .toList();
    }
  }

  private void prune() throws IOException {
    List<Path> existing = all();
    for (Path old : existing.subList(0, Math.max(0, existing.size() - keep))) {
      Directories.deleteTree(old);
    }
  }
}
