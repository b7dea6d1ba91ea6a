package org.blurnative.train;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.blurnative.io.AtomicFiles;
import org.blurnative.io.DirectoryLock;
import org.blurnative.io.Directories;
import org.blurnative.io.FileErrors;
import org.blurnative.model.LlamaModel;

/**
 * A run's output directory (DESIGN.md §5): run.json, metrics.jsonl, checkpoints/, model/,
 * tensorboard/, report.md. Never overwrites a user's directory: a fresh run needs a new or empty
 * one, a resumed run its own. Held under an exclusive lock while open, so two runs can never write
 * into one directory.
 */
public final class RunDirectory implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  static final String RUN_INFO = "run.json";

  /**
   * What a killed run of ours can leave at the top of the directory besides its outputs: the lock
   * and the temporaries of run.json, metrics.jsonl, report.md and model/ (AtomicFiles' names). They
   * do not make a directory "not empty", and are removed once the directory is locked.
   */
  private static final Pattern LEFTOVER =
      Pattern.compile("\\.lock|\\.(run\\.json|metrics\\.jsonl|report\\.md)\\.\\d+\\.tmp|\\.model\\.\\d+");

  private final Path root;
  private final DirectoryLock lock;

  private RunDirectory(Path root, DirectoryLock lock) {
    this.root = root;
    this.lock = lock;
  }

  /**
   * Checks that {@code out} can take this run: a fresh run needs a new or empty directory; a
   * resumed one a run.json, with or without checkpoints (a run killed before its first checkpoint
   * restarts from step 0).
   */
  private static void check(Path out, boolean resume) throws IOException {
    if (resume) {
      if (!Files.isRegularFile(out.resolve(RUN_INFO))) {
        throw new IllegalArgumentException("--resume: " + out + " has no " + RUN_INFO + ": not a run directory");
      }
    } else if (Files.exists(out) && !isEmptyDirectory(out)) {
      throw new IllegalArgumentException("--out " + out + " already exists and is not empty;"
          + " choose another directory or add --resume to continue that run");
    }
  }

  /** Locks {@code out} (creating it), removes what a killed run left, then {@link #check}s it. */
  public static RunDirectory open(Path out, boolean resume) throws IOException {
    DirectoryLock lock = DirectoryLock.acquire("--out", out);
    try {
      removeLeftovers(out);
      check(out, resume);
      return new RunDirectory(out, lock);
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  public Path root() {
    return root;
  }

  public Path model() {
    return root.resolve("model");
  }

  /** run.json: the resolved configuration and where it ran. */
  public void writeRunInfo(Map<String, Object> info) throws IOException {
    AtomicFiles.write(root.resolve(RUN_INFO), JSON.writeValueAsBytes(info));
  }

  /**
   * A resumed run's run.json: the options it resumes with, the earlier resumes, and this one (the
   * step it continues from and what it changed).
   */
  public record Resumption(Map<String, Object> now, JsonNode stored, List<RunComparison.Change> changes) {
    public Map<String, Object> info(long fromStep) {
      Map<String, Object> info = new LinkedHashMap<>(now);
      info.put("resumes", RunComparison.resumes(stored, fromStep, changes));
      return info;
    }
  }

  /**
   * For --resume: compares {@code info}, the options it is resumed with, against run.json under
   * {@link RunComparison}'s rules. A difference that would change what the run computes is the
   * error, and run.json is not touched.
   */
  public Resumption resumption(Map<String, Object> info, List<String> keys) throws IOException {
    Path file = root.resolve(RUN_INFO);
    JsonNode stored;
    try {
      stored = JSON.readTree(file.toFile());
    } catch (JacksonException e) {
      throw new IllegalArgumentException("--resume: " + file + " is not valid JSON");
    }
    JsonNode now = JSON.readTree(JSON.writeValueAsBytes(info));  // through text, as run.json was read
    RunComparison comparison = RunComparison.of(stored, now, keys);
    comparison.forbidden().ifPresent(difference -> {
      throw new IllegalArgumentException("--resume: " + root + " ran with other " + difference
          + "; resume with what it ran with");
    });
    return new Resumption(info, stored, comparison.allowed());
  }

  /** Saves the model into model/ whole or not at all: a temporary sibling, then a rename. */
  public void saveModel(LlamaModel model) throws IOException {
    Path temp = AtomicFiles.temporaryDirectory(root, ".model.");
    try {
      model.save(temp);
      Directories.deleteTree(model());
      Files.move(temp, model(), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw FileErrors.cannotWrite(model(), e);
    } finally {
      Directories.deleteTree(temp);
    }
  }

  @Override
  public void close() throws IOException {
    lock.close();
  }

  private static void removeLeftovers(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.filter(RunDirectory::isLeftover).toList()) {
        if (!p.getFileName().toString().equals(DirectoryLock.FILE)) {
          Directories.deleteTree(p);
        }
      }
    }
  }

  private static boolean isLeftover(Path p) {
    return LEFTOVER.matcher(p.getFileName().toString()).matches();
  }

  private static boolean isEmptyDirectory(Path p) throws IOException {
    if (!Files.isDirectory(p)) {
      return false;
    }
    try (Stream<Path> s = Files.list(p)) {
      return s.allMatch(RunDirectory::isLeftover);
    }
  }
}
