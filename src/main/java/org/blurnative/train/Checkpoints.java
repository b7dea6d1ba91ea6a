package org.blurnative.train;

import static org.bytedeco.pytorch.global.torch.zeros;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.blurnative.dist.Collective;
import org.blurnative.dist.Shard;
import org.blurnative.io.AtomicFiles;
import org.blurnative.io.Directories;
import org.blurnative.io.FileErrors;
import org.blurnative.kernel.FlatOptimizer;
import org.blurnative.model.SafeTensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * checkpoints/step-NNNNNNNN/: θ (theta.safetensors, float32), the optimizer's state in one file per
 * piece that a rank keeps ({@link CheckpointManifest#optimizerFile}), the trainer's state, and
 * manifest.json. Each checkpoint is written into a hidden temporary directory that rank 0 renames
 * into place only when complete, with the manifest written last, so a run killed mid-write
 * leaves the previous checkpoint intact.
 *
 * <p>When every rank keeps the whole optimizer state (one process, or replicated ranks), rank 0
 * writes everything. When the state is sharded, every rank writes its own shard's file into rank
 * 0's temporary directory (which needs a file system all ranks share, as resuming does); the ranks
 * then tell each other how it went, and rank 0 finishes the checkpoint only if all succeeded.
 * Loading takes the file of exactly this rank's range when there is one (the same world size:
 * bit-identical), or else the overlapping parts of every piece (another world size: resharded).
 */
final class Checkpoints {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final String THETA = "theta.safetensors";
  private static final String STATE = "trainer.json";
  private static final String FAILED = "failed: ";

  private final Path dir;
  private final int keep;
  private final Collective collective;

  private Checkpoints(Path dir, int keep, Collective collective) {
    this.dir = dir;
    this.keep = keep;
    this.collective = collective;
  }

  /**
   * The checkpoints under {@code dir}; rank 0, which finishes every checkpoint, first removes
   * what a save that was killed left behind.
   */
  static Checkpoints open(Path dir, int keep, Collective collective) throws IOException {
    if (keep < 1) {
      throw new IllegalArgumentException("--keep must be at least 1, got " + keep);
    }
    Checkpoints checkpoints = new Checkpoints(dir, keep, collective);
    if (collective.rank() == 0 && Files.isDirectory(dir)) {
      checkpoints.removeUnfinished();
    }
    return checkpoints;
  }

  /**
   * Writes the checkpoint of {@code state}; every rank calls it at the same step. A failed write (a
   * full disk), on any rank, is one IOException naming the checkpoint and the reason on every rank
   * that writes, and leaves the checkpoints that were there.
   */
  Path save(TrainerState state, Tensor theta, FlatOptimizer optimizer) throws IOException {
    String name = String.format("step-%08d", state.step());
    Path target = dir.resolve(name);
    List<Shard> pieces = collective.optimizerShards(theta.numel());
    int rank = collective.rank();
    boolean together = pieces.size() > 1;
    if (!together && rank != 0) {
      return target;  // rank 0 holds the same state and writes it
    }
    Path temp = null;
    try {
      String made;
      if (rank == 0) {
        made = outcome(() -> {
          Files.createDirectories(dir);
          return AtomicFiles.temporaryDirectory(dir, "." + name + ".").toString();
        });
        temp = made.startsWith(FAILED) ? null : Path.of(made);
      } else {
        made = null;
      }
      if (together) {
        made = collective.exchange("checkpoint " + name + " directory", made == null ? "" : made).get(0);
      }
      requireSucceeded(List.of(made), target);
      Path into = Path.of(made);
      String file = CheckpointManifest.optimizerFile(rank, pieces.size());
      String written = outcome(() -> {
        optimizer.save(into.resolve(file));
        return String.valueOf(Files.size(into.resolve(file)));
      });
      List<String> sizes = together ? collective.exchange("checkpoint " + name + " optimizer", written) : List.of(written);
      requireSucceeded(sizes, target);
      Path finishing = temp;
      String finished = rank != 0 ? "" : outcome(() -> {
        finish(finishing, target, state, theta, pieces, sizes);
        return "";
      });
      requireSucceeded(together ? collective.exchange("checkpoint " + name + " finished", finished) : List.of(finished),
          target);
      return target;
    } catch (IOException e) {
      throw FileErrors.cannotWrite(target, e);
    } finally {
      if (temp != null) {
        Directories.deleteTree(temp);
      }
    }
  }

  /** Rank 0's part, once every piece of the optimizer state is written: θ, the trainer, the manifest last. */
  private void finish(Path temp, Path target, TrainerState state, Tensor theta, List<Shard> pieces, List<String> sizes)
      throws IOException {
    List<CheckpointManifest.StatePiece> manifest = new ArrayList<>();
    for (int r = 0; r < pieces.size(); r++) {
      manifest.add(new CheckpointManifest.StatePiece(pieces.get(r).offset(), pieces.get(r).length(),
          CheckpointManifest.optimizerFile(r, pieces.size()), Long.parseLong(sizes.get(r))));
    }
    SafeTensors.write(temp.resolve(THETA), Map.of("theta", theta));
    AtomicFiles.write(temp.resolve(STATE), JSON.writeValueAsBytes(state));
    AtomicFiles.write(temp.resolve(CheckpointManifest.FILE), new CheckpointManifest(CheckpointManifest.FORMAT,
        state.step(), theta.numel(), collective.worldSize(), manifest).toJson());
    Directories.deleteTree(target);
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    prune();
  }

  /** Work whose failure must reach the other ranks before anyone stops. */
  private interface Outcome {
    String run() throws IOException;
  }

  /** {@code work}'s result, or its failure's reason after {@link #FAILED}. */
  private static String outcome(Outcome work) {
    try {
      return work.run();
    } catch (IOException e) {
      return FAILED + FileErrors.reason(e);
    }
  }

  /** The first failure any rank reported, as an IOException that the caller names {@code target} in. */
  private static void requireSucceeded(List<String> outcomes, Path target) throws IOException {
    for (int r = 0; r < outcomes.size(); r++) {
      if (outcomes.get(r).startsWith(FAILED)) {
        String reason = outcomes.get(r).substring(FAILED.length());
        throw new IOException(reason + (outcomes.size() > 1 ? " (on rank " + r + ")" : ""));
      }
    }
  }

  /** The newest checkpoint with a complete manifest. */
  Optional<Path> latest() throws IOException {
    return all().stream().filter(CheckpointManifest::complete).reduce((a, b) -> b);
  }

  /**
   * Restores θ and this rank's optimizer state in place and returns the trainer's state. A
   * checkpoint saved in other pieces than this rank keeps (another world size or --dist-mode) is
   * resharded: the state of every piece overlapping this rank's range is loaded into an optimizer
   * made by {@code fresh} and copied over. A damaged or foreign checkpoint is one
   * IllegalArgumentException naming the file, never a LibTorch trace.
   */
  TrainerState load(Path checkpoint, Tensor theta, FlatOptimizer optimizer, Function<Tensor, FlatOptimizer> fresh)
      throws IOException {
    for (String file : List.of(THETA, STATE)) {
      if (!Files.isRegularFile(checkpoint.resolve(file))) {
        throw new IllegalArgumentException("--resume: checkpoint " + checkpoint + " lacks " + file);
      }
    }
    CheckpointManifest manifest = CheckpointManifest.read(checkpoint, theta.numel());
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
    Shard owned = collective.owned(theta.numel());
    Optional<CheckpointManifest.StatePiece> same = manifest.optimizer().stream()
        .filter(p -> p.range().equals(owned)).findFirst();
    if (same.isPresent()) {
      load(checkpoint.resolve(same.get().file()), optimizer);
    } else {
      reshard(checkpoint, manifest, owned, optimizer, fresh, theta);
    }
    return state;
  }

  /**
   * Copies the overlap of every stored piece with {@code owned} into {@code optimizer}; a rank
   * that owns nothing (more ranks than shards of a tiny θ) still takes the step count.
   */
  private static void reshard(Path checkpoint, CheckpointManifest manifest, Shard owned, FlatOptimizer optimizer,
      Function<Tensor, FlatOptimizer> fresh, Tensor theta) {
    boolean copied = false;
    for (CheckpointManifest.StatePiece piece : manifest.optimizer()) {
      Shard stored = piece.range();
      boolean overlaps = stored.overlaps(owned);
      if (!overlaps && (copied || owned.length() > 0)) {
        continue;
      }
      long from = Math.max(stored.offset(), owned.offset());
      long length = overlaps ? Math.min(stored.end(), owned.end()) - from : 0;
      try (PointerScope scope = new PointerScope();
          FlatOptimizer source = fresh.apply(zeros(new long[] {stored.length()}, theta.options()))) {
        load(checkpoint.resolve(piece.file()), source);
        optimizer.copyStateFrom(source, overlaps ? from - stored.offset() : 0, overlaps ? from - owned.offset() : 0, length);
      }
      copied = true;
    }
  }

  private static void load(Path file, FlatOptimizer optimizer) {
    try {
      optimizer.load(file);
    } catch (RuntimeException e) {
      throw damaged(file, e);
    }
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
