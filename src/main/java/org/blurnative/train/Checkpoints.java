package org.blurnative.train;

import com.fasterxml.jackson.core.JacksonException;
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
import org.blurnative.io.FileErrors;
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

  private Checkpoints(Path dir, int keep) {
    this.dir = dir;
    this.keep = keep;
  }

  /**
   * The checkpoints under {@code dir}; the {@code writer} (the one process that saves them) first
   * removes what a save that was killed left behind.
   */
  static Checkpoints open(Path dir, int keep, boolean writer) throws IOException {
    if (keep < 1) {
      throw new IllegalArgumentException("--keep must be at least 1, got " + keep);
    }
    Checkpoints checkpoints = new Checkpoints(dir, keep);
    if (writer && Files.isDirectory(dir)) {
      checkpoints.removeUnfinished();
    }
    return checkpoints;
  }

  /**
   * Writes the checkpoint of {@code state}; a failed write (a full disk) is one IOException naming
   * the checkpoint and the reason, and leaves the checkpoints that were there.
   */
  Path save(TrainerState state, Tensor theta, FlatOptimizer optimizer) throws IOException {
    String name = String.format("step-%08d", state.step());
    Path target = dir.resolve(name);
    Path temp = null;
    try {
      Files.createDirectories(dir);
      temp = AtomicFiles.temporaryDirectory(dir, "." + name + ".");
      SafeTensors.write(temp.resolve(THETA), Map.of("theta", theta));
      optimizer.save(temp.resolve(OPTIMIZER));
      AtomicFiles.write(temp.resolve(STATE), JSON.writeValueAsBytes(state));
      Directories.deleteTree(target);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      prune();
      return target;
    } catch (IOException e) {
      throw FileErrors.cannotWrite(target, e);
    } finally {
      if (temp != null) {
        Directories.deleteTree(temp);
      }
    }
  }

  Optional<Path> latest() throws IOException {
    return all().stream().reduce((a, b) -> b);
  }

  /**
   * Restores θ and the optimizer in place and returns the trainer's state. A damaged or foreign
   * checkpoint is one IllegalArgumentException naming the file, never a LibTorch trace.
   */
  TrainerState load(Path checkpoint, Tensor theta, FlatOptimizer optimizer) throws IOException {
    for (String file : List.of(THETA, OPTIMIZER, STATE)) {
      if (!Files.isRegularFile(checkpoint.resolve(file))) {
        throw new IllegalArgumentException("--resume: checkpoint " + checkpoint + " lacks " + file);
      }
    }
    TrainerState state;
    try {
      state = JSON.readValue(checkpoint.resolve(STATE).toFile(), TrainerState.class);
    } catch (JacksonException e) {
      throw damaged(checkpoint.resolve(STATE), e);
    }
    try (SafeTensors.Reader reader = SafeTensors.open(checkpoint.resolve(THETA))) {
      reader.readInto("theta", theta);
    } catch (IOException | RuntimeException e) {
      throw damaged(checkpoint.resolve(THETA), e);
    }
    try {
      optimizer.load(checkpoint.resolve(OPTIMIZER));
    } catch (RuntimeException e) {
      throw damaged(checkpoint.resolve(OPTIMIZER), e);
    }
    return state;
  }

  private static IllegalArgumentException damaged(Path file, Exception e) {
    String reason = String.valueOf(e.getMessage()).lines().findFirst().orElse("").strip();
    return new IllegalArgumentException("--resume: cannot read " + file + " (" + reason + ")", e);
  }

  /** Temporary directories of saves that a killed run left behind. */
  private void removeUnfinished() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.filter(p -> p.getFileName().toString().matches("\\.step-\\d{8}\\..*")).toList()) {
        Directories.deleteTree(p);
      }
    }
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
