package org.blurnative.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory plan against the real thing: a BLUR-NPO run of a model big enough for its buffers to
 * dominate (11.6M parameters: θ, G_f, G_r, m, v and the reference model are 0.27 GB), in a JVM of its
 * own, prints the plan and then its peak resident memory; what training added to the loaded
 * weights is within the stated error of what the plan said. A plan larger than the machine is
 * refused before anything is allocated.
 */
class MemoryMeasurementTest {
  private static final Pattern MEASURED = Pattern.compile("memory: peak resident .* the plan said .* \\(([+-]\\d+) %\\)");

  /**
   * Measured here: training added 42 % more than the plan (380 MB against 268 MB). The plan counts
   * the buffers a step holds; what it leaves out is transient, and stays in the peak: the weights
   * that θ replaces when it adopts them (freed, but kept by the allocator for reuse), backward's
   * per-weight gradients before they are added into G_f or G_r, and the checkpoint's serialization.
   * Three runs here: +41 %, +42 %, +45 %. The bound, −10 % to +75 %, is what a user can read it as.
   */
  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void thePlanPredictsWhatTrainingAdds(@TempDir Path dir) throws Exception {
    Path forget = dir.resolve("forget.jsonl");
    Path retain = dir.resolve("retain.jsonl");
    Files.writeString(forget, TrainCommandTest.qa(0, 8));
    Files.writeString(retain, TrainCommandTest.qa(10, 8));
    assertEquals(0, CommandRunner.run("finetune", "--from-scratch", "--hidden", "512", "--layers", "4", "--heads", "8",
        "--data", forget.toString(), "--out", dir.resolve("model-run").toString(), "--max-steps", "1", "--batch", "8",
        "--max-length", "64", "--progress", "off").exit());
    Process p = new ProcessBuilder(DistributedTrainingTest.javaCommand(List.of("train", "--model",
        dir.resolve("model-run/model").toString(), "--forget", forget.toString(), "--retain", retain.toString(),
        "--out", dir.resolve("run").toString(), "--max-steps", "2", "--batch", "8", "--micro-batch", "2",
        "--max-length", "64", "--progress", "off", "--threads", "1")))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(3, TimeUnit.MINUTES));
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("memory plan per rank: θ (fp32) 44.4 MB (4.00 B/param), G_f 44.4 MB"), out);
    Matcher m = MEASURED.matcher(out);
    assertTrue(m.find(), out);
    System.out.println(m.group());
    int error = Integer.parseInt(m.group(1));
    assertTrue(error >= -10 && error <= 75, "the plan is off by " + error + " %: " + m.group());
  }

  @Test
  void aPlanLargerThanTheMachineIsRefusedNamingTheRemedies(@TempDir Path dir) throws Exception {
    Path forget = dir.resolve("forget.jsonl");
    Files.writeString(forget, TrainCommandTest.qa(0, 8));
    assertEquals(0, CommandRunner.run("finetune", "--from-scratch", "--hidden", "32", "--layers", "1",
        "--data", forget.toString(), "--out", dir.resolve("model-run").toString(), "--max-steps", "1", "--batch", "8",
        "--max-length", "64", "--progress", "off").exit());
    // a million sequences of 64 tokens in one pass: terabytes of activations
    CommandRunner.Result r = CommandRunner.run("train", "--model", dir.resolve("model-run/model").toString(),
        "--forget", forget.toString(), "--retain", forget.toString(), "--out", dir.resolve("run").toString(),
        "--max-steps", "1", "--batch", "1000000", "--micro-batch", "1", "--max-length", "64", "--progress", "off");
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().strip().startsWith("blur-native train: the run needs about "), r.err());
    assertTrue(r.err().contains("is available with the "), r.err());
    assertTrue(r.err().contains(" the loaded weights hold; it would fit with --micro-batch 1000000 (one sequence per pass"),
        r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(!Files.exists(dir.resolve("run/run.json")), "nothing written");
  }
}
