package org.blurnative.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.blurnative.io.Directories;
import org.blurnative.io.UnwritableDirectory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a kill, a second run or a typo must never do (issue 14): lose work, mix two runs, tear a
 * file, or silently train something else. Runs the CLI in-process on a tiny model.
 */
class CrashSafetyTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path shared;
  static Path forget;

  @BeforeAll
  static void tinyModel() throws Exception {
    TinyModel.write(shared);
    forget = shared.resolve("forget.jsonl");
  }

  /** Six steps of `train` on {@link TinyModel}, with {@code forgetFile} as the forget set. */
  static CommandRunner.Result train(Path out, Path forgetFile, String... extra) {
    List<String> args = new ArrayList<>(List.of("--max-steps", "6", "--batch", "4", "--micro-batch", "2",
        "--progress", "off"));  // stderr holds just what went wrong
    args.addAll(List.of(extra));
    return TinyModel.train(shared, forgetFile, out, args.toArray(String[]::new));
  }

  static CommandRunner.Result train(Path out, String... extra) {
    return train(out, forget, extra);
  }

  static byte[] weights(Path run) throws Exception {
    return Files.readAllBytes(run.resolve("model/model.safetensors"));
  }

  @Test
  void flagsWithoutTheInputsNameWhatIsMissingInsteadOfRunningTheDemo(@TempDir Path dir) {
    CommandRunner.Result r = CommandRunner.run("train", "--lr", "1e-4", "--epochs", "1");
    assertEquals(2, r.exit(), r.err());
    assertEquals("blur-native train: missing --model, --forget, --out (give no arguments at all for the"
        + " bundled demo)", r.err().strip());
    assertEquals("", r.out(), "the demo did not start");
  }

  /** Killed before its first checkpoint (the default: only after 10 minutes or at the end). */
  @Test
  void aRunKilledBeforeItsFirstCheckpointResumesInTheSameDirectory(@TempDir Path dir) throws Exception {
    Path whole = dir.resolve("whole");
    assertEquals(0, train(whole).exit());

    Path killed = dir.resolve("killed");
    assertEquals(0, train(killed).exit());
    // what a kill at step 3 leaves: run.json, three rows (the last torn by the kill), no checkpoint
    List<String> rows = Files.readAllLines(killed.resolve("metrics.jsonl"));
    Files.writeString(killed.resolve("metrics.jsonl"), String.join("\n", rows.subList(0, 2)) + "\n"
        + rows.get(2).substring(0, 40));
    Directories.deleteTree(killed.resolve("checkpoints"));
    Directories.deleteTree(killed.resolve("model"));
    Files.createDirectories(killed.resolve(".model.4242"));  // a final save that was killed
    Files.writeString(killed.resolve(".run.json.77.tmp"), "{");

    CommandRunner.Result fresh = train(killed);
    assertEquals(2, fresh.exit());
    assertTrue(fresh.err().contains("add --resume"), fresh.err());
    CommandRunner.Result resumed = train(killed, "--resume");
    assertEquals(0, resumed.exit(), resumed.err());
    assertArrayEquals(weights(whole), weights(killed), "resumed from step 0: the uninterrupted θ");
    assertEquals(6, Files.readAllLines(killed.resolve("metrics.jsonl")).size());
    assertFalse(Files.exists(killed.resolve(".model.4242")), "the killed save's temporary is gone");
    assertFalse(Files.exists(killed.resolve(".run.json.77.tmp")));
    assertEquals(0, JSON.readTree(killed.resolve("run.json").toFile()).path("resumes").get(0).path("from_step").asInt());
  }

  @Test
  void aDirectoryHoldingOnlyAKilledRunsLeftoversTakesAFreshRun(@TempDir Path dir) throws Exception {
    Path out = Files.createDirectories(dir.resolve("run"));
    Files.writeString(out.resolve(".lock"), "12345\n");  // released by the kernel when its holder died
    Files.writeString(out.resolve(".run.json.987.tmp"), "{\"ta");
    assertEquals(0, train(out).exit());
    assertFalse(Files.exists(out.resolve(".run.json.987.tmp")));
  }

  /** Another process holds the run directory's lock: a second run is refused, naming its PID. */
  @Test
  void aSecondRunOnTheSameOutIsRefusedWithTheHoldersPid(@TempDir Path dir) throws Exception {
    Path out = Files.createDirectories(dir.resolve("run"));
    // python's lockf is the same POSIX record lock as Java's FileChannel.lock
    Process holder = new ProcessBuilder("python3", "-c", String.join("\n",
        "import fcntl, os, sys",
        "f = open(sys.argv[1], 'w')",
        "fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)",
        "f.write(str(os.getpid()) + '\\n'); f.flush()",
        "print('locked', flush=True)",
        "sys.stdin.read()"), out.resolve(".lock").toString()).redirectErrorStream(true).start();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
      assertEquals("locked", in.readLine());
      CommandRunner.Result second = train(out);
      assertEquals(2, second.exit(), second.err());
      assertEquals("blur-native train: --out " + out + " is in use by another run (PID " + holder.pid()
          + "); wait for it to finish or choose another directory", second.err().strip());
      assertFalse(Files.exists(out.resolve("run.json")), "nothing written into the holder's directory");
      CommandRunner.Result resumed = train(out, "--resume");
      assertEquals(2, resumed.exit(), resumed.err());
      assertTrue(resumed.err().contains("in use by another run"), resumed.err());
    } finally {
      holder.destroy();
      assertTrue(holder.waitFor(10, TimeUnit.SECONDS));
    }
    assertEquals(0, train(out).exit(), "the lock died with its holder");
  }

  @Test
  void resumeMayLowerTheLearningRateAndRecordsIt(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("run");
    assertEquals(0, train(out, "--max-steps", "3").exit());
    CommandRunner.Result r = train(out, "--resume", "--max-steps", "5", "--lr", "1e-4", "--clip", "2");
    assertEquals(0, r.exit(), r.err());
    JsonNode run = JSON.readTree(out.resolve("run.json").toFile());
    assertEquals(1e-4, run.path("settings").path("schedule").path("peak").asDouble());
    JsonNode resume = run.path("resumes").get(0);
    assertEquals(3, resume.path("from_step").asInt());
    assertEquals(1e-3, resume.path("changed").path("settings.schedule.peak").path("was").asDouble());
    assertEquals(1e-4, resume.path("changed").path("settings.schedule.peak").path("now").asDouble());
    assertEquals(2.0, resume.path("changed").path("settings.clipNorm").path("now").asDouble());
    List<String> rows = Files.readAllLines(out.resolve("metrics.jsonl"));
    assertEquals(1e-4, JSON.readTree(rows.get(4)).path("lr").asDouble(), "step 5 ran at the new rate");

    CommandRunner.Result batch = train(out, "--resume", "--max-steps", "6", "--batch", "2");
    assertEquals(2, batch.exit());
    assertTrue(batch.err().contains("settings.batchSize: was 4, now 2"), batch.err());
  }

  @Test
  void resumeComparesInputsByContentNotByPath(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("forget.jsonl");
    Files.copy(forget, data);
    Path out = dir.resolve("run");
    assertEquals(0, train(out, data, "--max-steps", "3").exit());
    JsonNode inputs = JSON.readTree(out.resolve("run.json").toFile()).path("inputs");
    assertEquals(64, inputs.path("--forget").get(0).path("sha256").asText().length());
    assertTrue(inputs.path("--model").size() >= 3, "config, weights and tokenizer: " + inputs);

    Path sameFileOtherName = dir.resolve("sub/../forget.jsonl");
    Files.createDirectories(dir.resolve("sub"));
    CommandRunner.Result same = train(out, sameFileOtherName, "--resume", "--max-steps", "4");
    assertEquals(0, same.exit(), same.err());

    Files.writeString(data, TrainCommandTest.qa(100, 6));  // edited between kill and resume
    CommandRunner.Result edited = train(out, data, "--resume", "--max-steps", "5");
    assertEquals(2, edited.exit(), edited.err());
    assertEquals(1, edited.err().strip().lines().count(), edited.err());
    assertTrue(edited.err().contains("the --forget file " + data + " has changed since the run started (sha256 was "),
        edited.err());
  }

  @Test
  void anOutThatCannotBeCreatedSaysSoInOneLine(@TempDir Path dir) throws Exception {
    Optional<Path> unwritable = UnwritableDirectory.find(dir);
    assumeTrue(unwritable.isPresent(), UnwritableDirectory.NONE);
    Path out = unwritable.get().resolve("run");
    CommandRunner.Result r = train(out);
    assertEquals(2, r.exit(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().startsWith("blur-native train: cannot write " + out + ": "), r.err());
  }

  @Test
  void aBadCheckpointIntervalIsOneLine(@TempDir Path dir) {
    CommandRunner.Result r = train(dir.resolve("run"), "--checkpoint-interval", "10x");
    assertEquals(2, r.exit());
    assertEquals("blur-native train: --checkpoint-interval must be a time like 30s, 10m or 2h (0: off), got '10x'",
        r.err().strip());
    assertFalse(Files.exists(dir.resolve("run")));
  }
}
