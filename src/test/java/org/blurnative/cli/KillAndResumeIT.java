package org.blurnative.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.blurnative.io.Directories;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the packaged jar at ten moments (during start-up before any checkpoint, inside a
 * checkpoint save, inside the final model save, and at random), each time resumed or restarted:
 * the run always ends with the uninterrupted run's θ, bit for bit, and one metrics row a step.
 * And two runs started together on one --out: one runs, the other is refused naming it.
 */
class KillAndResumeIT {
  static final Path JAR = PackagedJarIT.JAR;
  static final ObjectMapper JSON = new ObjectMapper();
  static final int STEPS = 60;
  @TempDir static Path dir;
  static Path model;

  @BeforeAll
  static void tinyModel() throws Exception {
    model = TinyModel.write(dir);
  }

  static List<String> trainArgs(Path out, boolean resume) {
    List<String> args = new ArrayList<>(List.of("train", "--model", model.toString(), "--forget",
        dir.resolve("forget.jsonl").toString(), "--retain", dir.resolve("retain.jsonl").toString(),
        "--out", out.toString(), "--max-steps",
        String.valueOf(STEPS), "--batch", "4", "--micro-batch", "2", "--lr", "1e-3", "--max-length", "64",
        "--checkpoint-every", "5", "--keep", "2"));
    if (resume) {
      args.add("--resume");
    }
    return args;
  }

  static Process start(Path log, String... args) throws IOException {
    return start(log, List.of(args));
  }

  static Process start(Path log, List<String> args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
    command.addAll(args);
    return new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
  }

  /** The exit code; a process that runs past two minutes is killed and fails the test. */
  static int finish(Process p) throws InterruptedException {
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("the jar did not finish in 2 minutes");
    }
    return p.exitValue();
  }

  static boolean has(Path dir, Predicate<String> name) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.anyMatch(p -> name.test(p.getFileName().toString()));
    } catch (IOException e) {
      return false;  // the directory changed while listed
    }
  }

  /** Where a kill lands: after a delay, or the moment a save's temporary appears. */
  record KillPoint(String name, long delayMillis, Predicate<Path> when) {}

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void killedTenTimesEndsWithTheUninterruptedTheta() throws Exception {
    Path whole = dir.resolve("whole");
    long started = System.nanoTime();
    assertEquals(0, finish(start(dir.resolve("whole.log"), trainArgs(whole, false))),
        Files.readString(dir.resolve("whole.log")));
    long wholeMillis = (System.nanoTime() - started) / 1_000_000;

    long seed = System.nanoTime();
    Random random = new Random(seed);
    Predicate<Path> inCheckpointSave = run -> has(run.resolve("checkpoints"), n -> n.startsWith(".step-"));
    Predicate<Path> inModelSave = run -> has(run, n -> n.startsWith(".model."));
    List<KillPoint> points = new ArrayList<>();
    points.add(new KillPoint("during start-up", 300 + random.nextInt(1500), null));
    points.add(new KillPoint("inside a checkpoint save", 0, inCheckpointSave));
    for (int i = 0; i < 7; i++) {
      points.add(new KillPoint("at random", 500 + random.nextInt((int) wholeMillis), null));
    }
    points.add(new KillPoint("inside the final model save", 0, inModelSave));

    Path run = dir.resolve("killed");
    Path log = dir.resolve("killed.log");
    List<String> landed = new ArrayList<>();
    for (KillPoint point : points) {
      boolean tornBefore = inCheckpointSave.test(run) || inModelSave.test(run);
      Process p = start(log, trainArgs(run, Files.exists(run.resolve("run.json"))));
      long t0 = System.nanoTime();
      boolean hit = false;
      while (p.isAlive() && (System.nanoTime() - t0) / 1_000_000 < (point.when() == null ? point.delayMillis() : 120_000)) {
        if (point.when() != null && point.when().test(run)) {
          hit = true;
          break;
        }
        LockSupport.parkNanos(point.when() == null ? 5_000_000 : 200_000);  // a save lasts milliseconds
      }
      p.destroyForcibly();  // SIGKILL
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      landed.add(point.name() + (point.when() == null ? " after " + point.delayMillis() + " ms" : hit ? " (caught)" : " (missed: the run ended first)")
          + (p.exitValue() == 0 ? ", the run had already finished" : "")
          + (!tornBefore && inCheckpointSave.test(run) ? ", a checkpoint save torn" : "")
          + (!tornBefore && inModelSave.test(run) ? ", the model save torn" : ""));
      if (p.exitValue() == 0) {  // it finished before the kill: start the next kill from scratch
        landed.add("  (restarting the run for the next kill)");
        Directories.deleteTree(run);
      }
    }
    System.out.println("KillAndResumeIT (seed " + seed + "):\n  " + String.join("\n  ", landed));
    assertEquals(0, finish(start(log, trainArgs(run, Files.exists(run.resolve("run.json"))))), Files.readString(log));

    assertArrayEquals(Files.readAllBytes(whole.resolve("model/model.safetensors")),
        Files.readAllBytes(run.resolve("model/model.safetensors")), "θ after the kills, bit for bit");
    for (String file : List.of("theta.safetensors", "optimizer-00000-of-00001.pt", "trainer.json", "manifest.json")) {
      Path last = Path.of("checkpoints", "step-000000" + STEPS, file);
      assertArrayEquals(Files.readAllBytes(whole.resolve(last)), Files.readAllBytes(run.resolve(last)), last.toString());
    }
    assertEquals(withoutTimes(whole), withoutTimes(run), "one metrics row a step, equal but for timings");
    assertTrue(String.join("\n", landed).contains("checkpoint save torn")
        || String.join("\n", landed).contains("(caught)"), "a kill landed inside a save: " + landed);
  }

  static List<JsonNode> withoutTimes(Path run) throws IOException {
    List<JsonNode> rows = new ArrayList<>();
    for (String line : Files.readAllLines(run.resolve("metrics.jsonl"), StandardCharsets.UTF_8)) {
      ObjectNode row = (ObjectNode) JSON.readTree(line);
      row.remove("seconds");
      row.remove("phase_seconds");
      rows.add(row);
    }
    return rows;
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void twoRunsStartedTogetherOnOneOutCannotMix() throws Exception {
    Path out = dir.resolve("shared-out");
    Process a = start(dir.resolve("a.log"), trainArgs(out, false));
    Process b = start(dir.resolve("b.log"), trainArgs(out, false));
    int exitA = finish(a);
    int exitB = finish(b);
    String logA = Files.readString(dir.resolve("a.log"));
    String logB = Files.readString(dir.resolve("b.log"));
    assertEquals(List.of(0, 2), exitA == 0 ? List.of(exitA, exitB) : List.of(exitB, exitA),
        "one ran, one was refused:\n" + logA + "\n" + logB);
    String refused = exitA == 0 ? logB : logA;
    Process winner = exitA == 0 ? a : b;
    assertTrue(refused.contains("--out " + out + " is in use by another run (PID " + winner.pid() + ")")
        || refused.contains("--out " + out + " already exists and is not empty"), refused);
    assertEquals(STEPS, Files.readAllLines(out.resolve("metrics.jsonl")).size(), "one run's rows only");
  }
}
