package org.blurnative.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.blurnative.io.TfRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event file decodes, by hand, to the step's scalars, and a resumed run never repeats a step. */
class TensorBoardLogTest {
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(1_764_585_600_250L), ZoneOffset.UTC);

  @Test
  void theTestsOwnChecksumIsCrc32cWithTensorFlowsMask() {
    // CRC-32C's check value (RFC 3720): "123456789" → 0xE3069283; the mask then as TensorFlow applies it
    int crc = 0xE3069283;
    assertEquals(((crc >>> 15) | (crc << 17)) + 0xa282ead8,
        EventFileReader.masked("123456789".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(EventFileReader.masked("123456789".getBytes(StandardCharsets.US_ASCII)),
        TfRecords.maskedCrc("123456789".getBytes(StandardCharsets.US_ASCII), 0, 9));
  }

  @Test
  void eachStepIsOneEventWithItsScalars(@TempDir Path dir) throws Exception {
    Path board = dir.resolve("tensorboard");
    try (TensorBoardLog log = TensorBoardLog.continuingAfter(board, 0, CLOCK)) {
      assertEquals("events.out.tfevents.1764585600.blur-native", log.file().getFileName().toString());
      log.append(step(1, 0.25));
      log.append(skipped(2));
    }
    List<EventFileReader.Event> events = EventFileReader.read(TensorBoardLog.eventFiles(board).get(0));
    assertEquals(3, events.size());
    assertEquals("brain.Event:2", events.get(0).fileVersion(), "TensorBoard's file-version record comes first");
    assertEquals(0, events.get(0).step());
    EventFileReader.Event first = events.get(1);
    assertEquals(1, first.step());
    assertEquals(1_764_585_600.25, first.wallTime());
    assertEquals(List.of("loss/forget", "loss/retain", "sums/d", "sums/F", "sums/R", "coefficients/c_f",
        "coefficients/c_r", "diagnostics/cos", "diagnostics/A_f", "diagnostics/A_r", "diagnostics/u_norm",
        "optimizer/lr", "optimizer/clip_scale"), List.copyOf(first.scalars().keySet()));
    assertEquals(3.5f, first.scalars().get("loss/forget"));
    assertEquals(0.25f, first.scalars().get("loss/retain"));
    assertEquals(-0.125f, first.scalars().get("sums/d"));
    assertEquals(400f, first.scalars().get("sums/F"));
    assertEquals(1.0000003f, first.scalars().get("coefficients/c_f"), "a float64 value is stored as float32");
    assertEquals(-0.3125f, first.scalars().get("diagnostics/cos"));
    assertEquals(1e-5f, first.scalars().get("optimizer/lr"));
    assertEquals(0.5f, first.scalars().get("optimizer/clip_scale"));
    EventFileReader.Event second = events.get(2);
    assertEquals(2, second.step());
    assertEquals(List.of("loss/forget", "optimizer/lr"), List.copyOf(second.scalars().keySet()),
        "a skipped step has no sums or coefficients, and NaN is left out");
  }

  /**
   * Our bytes for three steps are the file in src/test/resources/tensorboard/, which TensorBoard
   * 2.21.0's own EventAccumulator read (scripts/tensorboard_read.py) as tensorboard-read.json:
   * every tag, step, wall time and value there is the one we wrote, and nothing else.
   */
  @Test
  void tensorBoardItselfReadsTheseBytesAsWritten(@TempDir Path dir) throws Exception {
    try (TensorBoardLog log = TensorBoardLog.continuingAfter(dir, 0, CLOCK)) {
      log.append(step(1, 0.25));
      log.append(new StepMetrics(2, 1, 3.25, 0.5, 2.0, 100.0, 4.0, 0.98, 1.0, 0.1, 1.0, 1.48, 10.1, null, 2e-5,
          0.5, 1.25, 0.7, null, false));
      log.append(new StepMetrics(3, 1, 3.0, Double.NaN, null, null, null, null, null, null, null, null, null, null,
          3e-5, 0.5, null, 0.7, null, true));
    }
    Path written = TensorBoardLog.eventFiles(dir).get(0);
    assertArrayEquals(Files.readAllBytes(resource("events.out.tfevents.1764585600.blur-native")),
        Files.readAllBytes(written));

    JsonNode read = new ObjectMapper().readTree(resource("tensorboard-read.json").toFile());
    assertEquals("brain.Event:2", read.path("file_version").asText());
    Set<String> ours = new TreeSet<>(), theirs = new TreeSet<>();
    for (EventFileReader.Event e : EventFileReader.read(written)) {
      e.scalars().forEach((tag, value) -> ours.add(tag + " @" + e.step() + " " + e.wallTime() + " = " + value));
    }
    read.path("scalars").fields().forEachRemaining(tag -> tag.getValue().forEach(point -> theirs.add(tag.getKey()
        + " @" + point.get(0).asLong() + " " + point.get(1).asDouble() + " = " + (float) point.get(2).asDouble())));
    assertEquals(theirs, ours);
    assertEquals(30, ours.size(), "13 values at step 1, 14 at step 2, 3 at the skipped step 3");
  }

  private static Path resource(String name) throws Exception {
    return Path.of(TensorBoardLogTest.class.getResource("/tensorboard/" + name).toURI());
  }

  @Test
  void resumingCutsStepsPastTheCheckpointAndATornRecord(@TempDir Path dir) throws Exception {
    Path board = dir.resolve("tb");
    try (TensorBoardLog log = TensorBoardLog.continuingAfter(board, 0, CLOCK)) {
      for (int s = 1; s <= 5; s++) {
        log.append(step(s, s));
      }
    }
    Path file = TensorBoardLog.eventFiles(board).get(0);
    // a kill inside the write of step 6: half its record reached the file
    byte[] torn = TfRecords.frame(new byte[40]);
    Files.write(file, java.util.Arrays.copyOf(torn, 20), StandardOpenOption.APPEND);

    try (TensorBoardLog log = TensorBoardLog.continuingAfter(board, 3, CLOCK)) {  // the checkpoint was at step 3
      assertEquals(file, log.file(), "the run's one event file continues");
      log.append(step(4, 40));
    }
    List<EventFileReader.Event> events = EventFileReader.read(file);
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L), events.stream().map(EventFileReader.Event::step).toList());
    assertEquals(40f, events.get(4).scalars().get("loss/retain"), "step 4 is the resumed run's, not the first");
    assertNull(events.get(0).scalars().get("loss/retain"));

    try (TensorBoardLog log = TensorBoardLog.continuingAfter(board, 0, CLOCK)) {  // resumed before any checkpoint
      log.append(step(1, 10));
    }
    events = EventFileReader.read(file);
    assertEquals(List.of(0L, 1L), events.stream().map(EventFileReader.Event::step).toList());
    assertEquals("brain.Event:2", events.get(0).fileVersion(), "the file-version record is kept, not written twice");
  }

  @Test
  void twoRunsInOneDirectoryAreRefused(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir);
    Files.write(dir.resolve("events.out.tfevents.1.blur-native"), new byte[0]);
    Files.write(dir.resolve("events.out.tfevents.2.blur-native"), new byte[0]);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TensorBoardLog.continuingAfter(dir, 0, CLOCK));
    assertTrue(e.getMessage().endsWith("give each run its own --tensorboard directory"), e.getMessage());
  }

  private static StepMetrics step(long step, double retainLoss) {
    return new StepMetrics(step, 1, 3.5, retainLoss, -0.125, 400.0, 1.6, 1.0000003125, 1.0, -0.3125, 1.0,
        0.92, 20.0, 0.5, 1e-5, null, null, 0.7, null, false);
  }

  private static StepMetrics skipped(long step) {
    return new StepMetrics(step, 1, 3.5, Double.NaN, null, null, null, null, null, null, null, null, null, null,
        1e-5, null, null, 0.7, null, true);
  }
}
