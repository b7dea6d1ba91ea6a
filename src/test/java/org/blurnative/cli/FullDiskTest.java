package org.blurnative.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.blurnative.train.EventFileReader;
import org.blurnative.train.TensorBoardLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Out of space while writing metrics, the TensorBoard event file or a checkpoint: one line, exit 2, no torn file, and the run
 * resumes to the uninterrupted θ once there is room. On a small tmpfs, which needs root (CI and
 * this project's machines run as root); elsewhere the tests say why they did not run.
 */
class FullDiskTest {
  static final int PAGE = 4096;  // tmpfs allocates whole pages
  static final String STEPS = "30";

  @TempDir static Path shared;
  @TempDir Path dir;
  Path disk;
  List<Path> filler = new ArrayList<>();

  @BeforeAll
  static void model() throws Exception {
    CrashSafetyTest.shared = shared;
    CrashSafetyTest.tinyModel();
  }

  @BeforeEach
  void mountSmallDisk() throws Exception {
    disk = Files.createDirectories(dir.resolve("disk"));
    Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", disk.toString())
        .redirectErrorStream(true).start();
    String why = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    boolean mounted = mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0;
    if (!mounted) {
      System.out.println("FullDiskTest skipped: cannot mount a tmpfs here (" + why + ")");
    }
    Assumptions.assumeTrue(mounted, "cannot mount a tmpfs: " + why);
  }

  @AfterEach
  void unmount() throws Exception {
    if (disk != null) {
      new ProcessBuilder("umount", disk.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** Fills the disk with one-page files, then frees {@code pages} of them. */
  void leaveFree(int pages) throws IOException {
    byte[] page = new byte[PAGE];
    try {
      for (int i = 0; ; i++) {
        Path f = disk.resolve("filler-" + i);
        filler.add(f);
        Files.write(f, page);
      }
    } catch (IOException full) {
      // the disk is full
    }
    for (int i = 0; i < pages + 1; i++) {  // the last file is the one that did not fit
      Files.deleteIfExists(filler.remove(filler.size() - 1));
    }
  }

  void makeRoom() throws IOException {
    for (Path f : filler) {
      Files.deleteIfExists(f);
    }
  }

  static void assertEveryRowIsWhole(Path metrics) throws IOException {
    String text = Files.readString(metrics, StandardCharsets.UTF_8);
    assertTrue(text.isEmpty() || text.endsWith("\n"), "no half row at the end");
    for (String row : text.lines().toList()) {
      new ObjectMapper().readTree(row);  // throws on a torn row
    }
  }

  /** The uninterrupted run, on a disk with room, and the pages its files take. */
  Path whole() {
    Path whole = dir.resolve("whole");
    if (!Files.exists(whole)) {
      assertEquals(0, CrashSafetyTest.train(whole, "--max-steps", STEPS).exit());
    }
    return whole;
  }

  /** The uninterrupted run's TensorBoard event file, relative to its directory. */
  String eventFile() throws IOException {
    Path board = whole().resolve("tensorboard");
    return whole().relativize(TensorBoardLog.eventFiles(board).get(0)).toString();
  }

  int pages(String file) throws IOException {
    return (int) ((Files.size(whole().resolve(file)) + PAGE - 1) / PAGE);
  }

  void assertResumesToTheUninterruptedRun(Path run) throws Exception {
    makeRoom();
    CommandRunner.Result resumed = CrashSafetyTest.train(run, "--resume", "--max-steps", STEPS);
    assertEquals(0, resumed.exit(), resumed.err());
    assertArrayEquals(CrashSafetyTest.weights(whole()), CrashSafetyTest.weights(run));
  }

  @Test
  void fullWhileWritingMetrics() throws Exception {
    whole();
    leaveFree(3);  // the lock, run.json, and one page of metrics rows (about ten)
    Path run = disk.resolve("run");
    CommandRunner.Result r = CrashSafetyTest.train(run, "--max-steps", STEPS);
    assertEquals(2, r.exit(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("cannot write " + run.resolve("metrics.jsonl") + ": No space left on device"), r.err());
    assertEveryRowIsWhole(run.resolve("metrics.jsonl"));
    assertResumesToTheUninterruptedRun(run);
  }

  @Test
  void fullWhileWritingTheEventFile() throws Exception {
    whole();
    leaveFree(2);  // the lock and run.json: the event file's first record does not fit
    Path run = disk.resolve("run");
    CommandRunner.Result r = CrashSafetyTest.train(run, "--max-steps", STEPS);
    assertEquals(2, r.exit(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    Path board = run.resolve("tensorboard");
    assertTrue(r.err().contains("cannot write " + board.resolve(TensorBoardLog.eventFiles(board).get(0).getFileName())
        + ": No space left on device"), r.err());
    assertEquals(0, Files.size(TensorBoardLog.eventFiles(board).get(0)), "the failed write was cut back off");
    assertResumesToTheUninterruptedRun(run);
    List<Long> steps = EventFileReader.read(TensorBoardLog.eventFiles(board).get(0)).stream()
        .map(EventFileReader.Event::step).toList();
    assertEquals(LongStream.rangeClosed(0, Long.parseLong(STEPS)).boxed().toList(), steps, "every step once");
  }

  /**
   * Room for the rows, with or without θ's pages besides, but not for the optimizer's state, which
   * a checkpoint writes first: the write LibTorch's own archive writer turned into a C++ abort
   * (exit 134) must be one line too.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void fullWhileWritingACheckpoint(boolean roomForTheta) throws Exception {
    String last = "checkpoints/step-000000" + STEPS;
    int room = 2 + pages("metrics.jsonl") + pages("run.json")  // the lock, run.json's temporary
        + pages(eventFile()) + (roomForTheta ? pages(last + "/theta.safetensors") + 2 : 0);
    assertTrue(pages(last + "/optimizer-00000-of-00001.pt") > 4, "the optimizer's state cannot fit in what is left");
    leaveFree(room);
    Path run = disk.resolve("run");
    CommandRunner.Result r = CrashSafetyTest.train(run, "--max-steps", STEPS);
    assertEquals(2, r.exit(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("cannot write " + run.resolve(last) + ": No space left on device"), r.err());
    assertEveryRowIsWhole(run.resolve("metrics.jsonl"));
    try (Stream<Path> left = Files.list(run.resolve("checkpoints"))) {
      assertEquals(List.of(), left.toList(), "the failed save left nothing behind");
    }
    assertResumesToTheUninterruptedRun(run);
  }
}
