package org.blurnative.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
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

  /** Saves the model into model/ whole or not at all: a temporary sibling, then a rename. */
  public void saveModel(LlamaModel model) throws IOException {
    Path temp = Files.createTempDirectory(root, ".model.");
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
