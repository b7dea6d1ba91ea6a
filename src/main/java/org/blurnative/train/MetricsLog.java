package org.blurnative.train;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.blurnative.io.AtomicFiles;
import org.blurnative.io.FileErrors;

/**
 * metrics.jsonl: one JSON object per optimizer step. Each row goes to the operating system in one
 * write as soon as the step ends (a killed process loses nothing written); a write that fails (a full disk) is cut back off, so the file never holds half a row.
 * A last row torn anyway (the process killed inside the write) is dropped when the run resumes.
 */
final class MetricsLog implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;
  private final FileChannel out;  // null: rows are not kept (a rank other than 0)

  private MetricsLog(Path file, FileChannel out) {
    this.file = file;
    this.out = out;
  }

  /**
   * Opens the log to append after {@code step}: rows of later steps (written after the checkpoint
   * a run resumes from) and a torn last row are dropped first, so the log reads as one
   * uninterrupted run.
   */
  static MetricsLog continuingAfter(Path file, long step) throws IOException {
    if (Files.exists(file)) {
      StringBuilder kept = new StringBuilder();
      for (String row : rowsUpTo(file, step)) {
        kept.append(row).append('\n');
      }
      AtomicFiles.write(file, kept.toString().getBytes(StandardCharsets.UTF_8));
    }
    try {
      return new MetricsLog(file, FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND));
    } catch (IOException e) {
      throw FileErrors.cannotWrite(file, e);
    }
  }

  /** A log that keeps nothing: ranks other than 0 leave the run directory to rank 0. */
  static MetricsLog none() {
    return new MetricsLog(null, null);
  }

  /** The complete rows of steps <= {@code step}; a row that is not JSON is an error but for a torn last one. */
  private static List<String> rowsUpTo(Path file, long step) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    List<String> lines = text.lines().toList();
    boolean lastIsTorn = !text.isEmpty() && !text.endsWith("\n");
    List<String> kept = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).isBlank() || (lastIsTorn && i == lines.size() - 1)) {
        continue;
      }
      JsonNode row;
      try {
        row = JSON.readTree(lines.get(i));
      } catch (JacksonException e) {
        throw new IllegalArgumentException("--resume: " + file + " line " + (i + 1) + " is not a metrics row");
      }
      if (row.path("step").asLong() <= step) {
        kept.add(lines.get(i));
      }
    }
    return kept;
  }

  void append(StepMetrics m) throws IOException {
    if (out == null) {
      return;
    }
    ByteBuffer row = ByteBuffer.wrap((JSON.writeValueAsString(m) + "\n").getBytes(StandardCharsets.UTF_8));
    long before = out.size();
    try {
      while (row.hasRemaining()) {
        out.write(row);
      }
    } catch (IOException e) {
      try {
        out.truncate(before);
      } catch (IOException ignored) {
        // the torn row stays; the next resume drops it
      }
      throw FileErrors.cannotWrite(file, e);
    }
  }

  @Override
  public void close() throws IOException {
    if (out != null) {
      out.close();
    }
  }
}
