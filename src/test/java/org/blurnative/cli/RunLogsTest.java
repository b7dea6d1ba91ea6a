package org.blurnative.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.blurnative.train.EventFileReader;
import org.blurnative.train.TensorBoardLog;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a real `train` leaves for people to read: progress lines, the event file, report.md. */
class RunLogsTest {
  @TempDir
  static Path inputs;

  @BeforeAll
  static void writeModel() throws Exception {
    TinyModel.write(inputs);
  }

  @Test
  void aRunIntoAPipeWritesPlainLinesAnEventFileAndAReport(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("run");
    CommandRunner.Result r = TinyModel.train(inputs, out, "--progress", "lines", "--progress-every", "1");
    assertEquals(0, r.exit(), r.err());
    List<String> progress = r.err().lines().filter(l -> l.startsWith("train blur-npo: step ")).toList();
    assertEquals(2, progress.size(), r.err());
    assertTrue(progress.get(1).startsWith("train blur-npo: step 2/2 (100%), "), progress.get(1));
    assertTrue(progress.get(1).contains(" cos="), "nothing is cut: " + progress.get(1));
    assertFalse(r.err().contains("\r") || r.err().contains("\u001b"), "no redraws, no colour codes");

    List<EventFileReader.Event> events = events(out.resolve("tensorboard"));
    assertEquals(List.of(0L, 1L, 2L), events.stream().map(EventFileReader.Event::step).toList());
    double firstForget = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(Files.readAllLines(out.resolve("metrics.jsonl")).get(0)).path("forget_loss").asDouble();
    assertEquals((float) firstForget, events.get(1).scalars().get("loss/forget"), "the step's own value");

    String report = Files.readString(out.resolve("report.md"));
    assertTrue(report.startsWith("# train blur-npo\n\n2 steps; the forget loss went from "), report);
    assertTrue(report.contains("| c_f − γ = −d/F |"), report);
    assertTrue(report.contains("so BLUR's correction −d/F is "), report);
    assertTrue(r.out().contains("report in " + out.resolve("report.md")), r.out());
  }

  @Test
  void finetuneReportsItsLossAndHasNoProjection(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("run");
    CommandRunner.Result r = CommandRunner.run("finetune", "--model", inputs.resolve("model").toString(),
        "--data", inputs.resolve("retain.jsonl").toString(), "--out", out.toString(), "--max-steps", "2",
        "--batch", "2", "--micro-batch", "1", "--lr", "1e-3", "--progress", "off");
    assertEquals(0, r.exit(), r.err());
    String report = Files.readString(out.resolve("report.md"));
    assertTrue(report.startsWith("# finetune\n\n2 steps; the loss went from "), report);
    assertFalse(report.contains("projection"), report);
    List<EventFileReader.Event> events = events(out.resolve("tensorboard"));
    assertEquals(List.of("loss/forget", "sums/F", "diagnostics/u_norm", "optimizer/lr"),
        List.copyOf(events.get(2).scalars().keySet()), "what metrics.jsonl has of a single-objective step");
  }

  @Test
  void aResumedRunContinuesTheEventFileWithoutRepeatingSteps(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("run");
    assertEquals(0, TinyModel.train(inputs, out, "--checkpoint-every", "1", "--progress", "off").exit());
    CommandRunner.Result resumed = TinyModel.train(inputs, out, "--resume", "--max-steps", "3", "--progress", "off");
    assertEquals(0, resumed.exit(), resumed.err());
    assertEquals(List.of(0L, 1L, 2L, 3L),
        events(out.resolve("tensorboard")).stream().map(EventFileReader.Event::step).toList());
    assertTrue(Files.readString(out.resolve("report.md")).contains("3 steps;"), "the report covers the whole run");
    assertEquals("", resumed.err(), "--progress off");
  }

  @Test
  void theEventFileCanGoElsewhereOrNowhere(@TempDir Path dir) throws Exception {
    Path board = dir.resolve("board/first");
    assertEquals(0, TinyModel.train(inputs, dir.resolve("a"), "--tensorboard", board.toString()).exit());
    assertEquals(1, TensorBoardLog.eventFiles(board).size());
    assertFalse(Files.exists(dir.resolve("a/tensorboard")));

    CommandRunner.Result shared = TinyModel.train(inputs, dir.resolve("b"), "--tensorboard", board.toString());
    assertEquals(2, shared.exit());
    assertEquals(1, shared.err().strip().lines().count(), shared.err());
    assertTrue(shared.err().contains("--tensorboard " + board + " already holds the event file of another run"),
        shared.err());
    assertFalse(Files.exists(dir.resolve("b/run.json")), "refused before anything is written");

    assertEquals(0, TinyModel.train(inputs, dir.resolve("c"), "--no-tensorboard").exit());
    assertFalse(Files.exists(dir.resolve("c/tensorboard")));
  }

  private static List<EventFileReader.Event> events(Path board) throws Exception {
    List<Path> files = TensorBoardLog.eventFiles(board);
    assertEquals(1, files.size(), "one event file per run");
    return EventFileReader.read(files.get(0));
  }
}
