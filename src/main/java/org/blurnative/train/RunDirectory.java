package org.blurnative.train;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.blurnative.io.AtomicFiles;
import org.blurnative.io.Directories;
import org.blurnative.model.LlamaModel;

/**
 * A run's output directory (DESIGN.md §5): run.json, metrics.jsonl, checkpoints/, model/. Never
 * overwrites a user's directory: a fresh run needs a new or empty one, a resumed run its own.
 */
public final class RunDirectory {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private final Path root;

  private RunDirectory(Path root) {
    this.root = root;
  }

  /** Checks that {@code out} can take this run, creating nothing (for validation before work). */
  public static void check(Path out, boolean resume) throws IOException {
    if (resume) {
      if (!Files.isDirectory(out.resolve("checkpoints"))) {
        throw new IllegalArgumentException("--resume: " + out + " has no checkpoints/ to resume from");
      }
    } else if (Files.exists(out) && !isEmptyDirectory(out)) {
      throw new IllegalArgumentException("--out " + out + " already exists and is not empty;"
          + " choose another directory or add --resume to continue that run");
    }
  }

  public static RunDirectory create(Path out, boolean resume) throws IOException {
    check(out, resume);
    Files.createDirectories(out);
    return new RunDirectory(out);
  }

  public Path root() {
    return root;
  }

  public Path model() {
    return root.resolve("model");
  }

  /** run.json: the resolved configuration and where it ran. */
  public void writeRunInfo(Map<String, Object> info) throws IOException {
    AtomicFiles.write(root.resolve("run.json"), JSON.writeValueAsBytes(info));
  }

  /**
   * What --resume may change: the length of the run (to continue a finished one further) and the
   * options that change how it is kept, not what it computes.
   */
  private static final Set<String> MAY_CHANGE = Set.of("settings.steps",
      "settings.schedule.totalSteps", "settings.checkpointEvery", "settings.keep", "settings.maxSkips",
      "config.config_file");

  /**
   * For --resume: the run must continue with the options it ran with (the data order, the rule
   * and the optimizer depend on them), so {@code keys} of {@code info} must equal run.json's but
   * for {@link #MAY_CHANGE}. The first difference is the error; run.json is not touched.
   */
  public void requireSameRun(Map<String, Object> info, String... keys) throws IOException {
    Path file = root.resolve("run.json");
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("--resume: " + root + " has no run.json: not a run directory");
    }
    JsonNode stored;
    try {
      stored = JSON.readTree(file.toFile());
    } catch (JacksonException e) {
      throw new IllegalArgumentException("--resume: " + file + " is not valid JSON");
    }
    JsonNode now = JSON.readTree(JSON.writeValueAsBytes(info));  // through text, as run.json was read
    for (String key : keys) {
      String difference = firstDifference(key, stored.path(key), now.path(key));
      if (difference != null) {
        throw new IllegalArgumentException("--resume: " + root + " ran with other options (" + difference
            + "); resume with the options it ran with");
      }
    }
  }

  /** "path: was X, now Y" for the first leaf where the two differ; null when equal. */
  private static String firstDifference(String path, JsonNode was, JsonNode now) {
    if (was.isObject() && now.isObject()) {
      Set<String> names = new TreeSet<>();
      was.fieldNames().forEachRemaining(names::add);
      now.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        String d = firstDifference(path + "." + name, was.path(name), now.path(name));
        if (d != null) {
          return d;
        }
      }
      return null;
    }
    return was.equals(now) || MAY_CHANGE.contains(path) ? null : path + ": was " + was + ", now " + now;
  }

  /** Saves the model into model/ whole or not at all: a temporary sibling, then a rename. */
  public void saveModel(LlamaModel model) throws IOException {
    Path temp = AtomicFiles.temporaryDirectory(root, ".model.");
    try {
      model.save(temp);
      Directories.deleteTree(model());
      Files.move(temp, model(), StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Directories.deleteTree(temp);
    }
  }

  private static boolean isEmptyDirectory(Path p) throws IOException {
    if (!Files.isDirectory(p)) {
      return false;
    }
    try (Stream<Path> s = Files.list(p)) {
      return s.findAny().isEmpty();
    }
  }
}
