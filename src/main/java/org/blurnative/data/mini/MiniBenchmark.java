package org.blurnative.data.mini;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The bundled mini benchmark: a TOFU-shaped QA benchmark about fictitious authors, small enough to
 * train and unlearn with a byte-level model of a few hundred thousand parameters on a laptop CPU.
 * Its files ship in the jar under {@code /mini/} (see README.md there); {@link #extract} puts them
 * in a directory where DatasetFiles can read them, and {@link #regenerate} writes them anew from a
 * seed, which with {@link #DEFAULT_SEED} reproduces the shipped files byte for byte.
 *
 * <p>Command line: {@code MiniBenchmark DIR [SEED]} regenerates into DIR.
 */
public final class MiniBenchmark {

  /** The seed of the shipped files. */
  public static final long DEFAULT_SEED = 17;

  private static final String RESOURCES = "/mini/";
  private static final String LICENSE = "LICENSE-TOFU";
  private static final String README = "README.md";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The data files; the first four are generated, the last two are TOFU's own, copied as is. */
  public enum Split {
    FORGET10("forget10.json"),
    RETAIN90("retain90.json"),
    RETAIN_PERTURBED("retain_perturbed.json"),
    HOLDOUT("holdout.json"),
    REAL_AUTHORS("real_authors.json"),
    WORLD_FACTS("world_facts.json");

    private final String fileName;

    Split(String fileName) {
      this.fileName = fileName;
    }

    public String fileName() {
      return fileName;
    }

    public boolean generated() {
      return this != REAL_AUTHORS && this != WORLD_FACTS;
    }
  }

  private final Path dir;

  private MiniBenchmark(Path dir) {
    this.dir = dir;
  }

  /**
   * The shipped files in {@code dir}, created if need be; a file that is missing or differs from
   * the shipped one is (over)written, so the directory is a cache of the jar's copy.
   */
  /** The benchmark's files in {@code dir} as they are (e.g. a user's edited copy). */
  public static MiniBenchmark at(Path dir) {
    return new MiniBenchmark(dir);
  }

  public static MiniBenchmark extract(Path dir) {
    createDirectories(dir);
    for (Split split : Split.values()) {
      writeIfChanged(dir.resolve(split.fileName()), resource(split.fileName()));
    }
    writeIfChanged(dir.resolve(LICENSE), resource(LICENSE));
    writeIfChanged(dir.resolve(README), resource(README));
    return new MiniBenchmark(dir);
  }

  /**
   * Generates the four fictitious-author splits from {@code seed} into {@code dir} and copies
   * TOFU's real-authors and world-facts sets with their license beside them. README.md, which
   * describes the shipped seed, is not written.
   */
  public static MiniBenchmark regenerate(Path dir, long seed) {
    createDirectories(dir);
    MiniSplits splits = MiniSplits.generate(seed);
    writeIfChanged(dir.resolve(Split.FORGET10.fileName()), jsonLines(splits.forget10()));
    writeIfChanged(dir.resolve(Split.RETAIN90.fileName()), jsonLines(splits.retain90()));
    writeIfChanged(dir.resolve(Split.RETAIN_PERTURBED.fileName()), jsonLines(splits.retainPerturbed()));
    writeIfChanged(dir.resolve(Split.HOLDOUT.fileName()), jsonLines(splits.holdout()));
    for (Split split : Split.values()) {
      if (!split.generated()) {
        writeIfChanged(dir.resolve(split.fileName()), resource(split.fileName()));
      }
    }
    writeIfChanged(dir.resolve(LICENSE), resource(LICENSE));
    return new MiniBenchmark(dir);
  }

  public Path dir() {
    return dir;
  }

  public Path path(Split split) {
    return dir.resolve(split.fileName());
  }

  public Path forget10() {
    return path(Split.FORGET10);
  }

  public Path retain90() {
    return path(Split.RETAIN90);
  }

  public Path retainPerturbed() {
    return path(Split.RETAIN_PERTURBED);
  }

  public Path holdout() {
    return path(Split.HOLDOUT);
  }

  public Path realAuthors() {
    return path(Split.REAL_AUTHORS);
  }

  public Path worldFacts() {
    return path(Split.WORLD_FACTS);
  }

  /**
   * JSON Lines in TOFU's fields, then {@code author} and {@code fact}: compact, one record a line,
   * each ending in a newline.
   */
  static byte[] jsonLines(List<MiniQa> records) {
    StringBuilder out = new StringBuilder();
    for (MiniQa qa : records) {
      ObjectNode node = JSON.createObjectNode();
      node.put("question", qa.question());
      node.put("answer", qa.answer());
      node.put("paraphrased_answer", qa.paraphrasedAnswer());
      ArrayNode perturbed = node.putArray("perturbed_answer");
      qa.perturbedAnswers().forEach(perturbed::add);
      node.put("author", qa.author());
      node.put("fact", qa.fact().key());
      out.append(node).append('\n');
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The bytes of a shipped file. */
  static byte[] resource(String name) {
    try (InputStream in = MiniBenchmark.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IllegalStateException("the mini benchmark's " + name
            + " is not on the class path (expected the resource " + RESOURCES + name + ")");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the resource " + RESOURCES + name, e);
    }
  }

  private static void writeIfChanged(Path file, byte[] bytes) {
    try {
      if (Files.isRegularFile(file) && Arrays.equals(Files.readAllBytes(file), bytes)) {
        return;
      }
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the directory " + dir, e);
    }
  }

  public static void main(String[] args) {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: MiniBenchmark DIR [SEED]   (regenerates the mini benchmark into DIR;"
          + " SEED defaults to " + DEFAULT_SEED + ")");
      System.exit(2);
    }
    long seed;
    try {
      seed = args.length == 2 ? Long.parseLong(args[1]) : DEFAULT_SEED;
    } catch (NumberFormatException e) {
      System.err.println("the seed must be an integer, got \"" + args[1] + "\"");
      System.exit(2);
      return;
    }
    MiniBenchmark mini = regenerate(Path.of(args[0]), seed);
    for (Split split : Split.values()) {
      System.out.println(mini.path(split));
    }
  }
}
