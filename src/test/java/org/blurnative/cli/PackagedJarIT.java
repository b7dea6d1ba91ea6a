package org.blurnative.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar, as a user gets it: run from an empty directory with an empty JavaCPP cache,
 * so libblur.so, the JNI glue and LibTorch can only come out of the jar itself.
 */
class PackagedJarIT {
  static final Path JAR = Path.of("target", "blur-native.jar").toAbsolutePath();

  @Test
  void fusedKernelsLoadFromTheJarAlone(@TempDir Path dir) throws Exception {
    Result r = run(dir, "bench", "--sizes", "64K", "--backends", "cpu,torch", "--runs", "2",
        "--warmup", "1", "--min-time", "0", "--json", "bench.json");
    assertEquals(0, r.exit, r.output);
    assertTrue(r.output.contains("cpu"), r.output);
    assertTrue(Files.size(dir.resolve("bench.json")) > 0);
    assertTrue(Files.list(dir.resolve("cache")).findAny().isPresent(), "JavaCPP unpacked nothing");
  }

  /**
   * The README's main command: `train` with no arguments, the bundled demo. How long it takes is
   * printed, not asserted (a machine's speed is not the program's correctness); run() bounds it.
   * Its report.md's projection section is checked against itself ({@link ProjectionSection}).
   */
  @Test
  void defaultTrainJobRunsEndToEnd(@TempDir Path dir) throws Exception {
    long started = System.nanoTime();
    Result r = run(dir, "train");
    double minutes = (System.nanoTime() - started) / 6e10;
    System.out.printf("PackagedJarIT: the demo took %.1f minutes%n", minutes);
    assertEquals(0, r.exit, r.output);
    assertTrue(r.output.contains("| BLUR-NPO |"), r.output);
    try (var runs = Files.list(dir.resolve("blur-native-runs"))) {
      Path run = runs.filter(p -> p.getFileName().toString().startsWith("blur-npo-")).findFirst().orElseThrow();
      for (String file : List.of("report.md", "plots/tradeoff.png", "plots/alignment.png", "run.json",
          "metrics.jsonl", "model/model.safetensors", "eval-blur-npo/summary.json")) {
        assertTrue(Files.exists(run.resolve(file)), file);
      }
      // report.md's projection section, read back: its sentence must say what its table shows
      ProjectionSection projection = ProjectionSection.of(Files.readString(run.resolve("report.md")));
      projection.checkBlur();
      System.out.println("PackagedJarIT: " + projection.reading());
    }
  }

  @Test
  void badFlagsGiveOneLineAndExitCodeTwo(@TempDir Path dir) throws Exception {
    Result r = run(dir, "bench", "--sizes", "12Q");
    assertEquals(2, r.exit, r.output);
    assertEquals(1, r.output.strip().lines().count(), r.output);
    assertTrue(r.output.contains("--sizes"), r.output);
  }

  record Result(int exit, String output) {}

  static Result run(Path dir, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dorg.bytedeco.javacpp.cachedir=" + dir.resolve("cache"), "-jar", JAR.toString()));
    command.addAll(List.of(args));
    Path log = dir.resolve("out.txt");
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    if (!p.waitFor(30, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("the jar did not finish in 30 minutes");
    }
    return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }
}
