package org.blurnative.train;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.blurnative.io.FileErrors;
import org.blurnative.io.TfRecords;

/**
 * The per-step scalars of metrics.jsonl as a TensorBoard event file: TFRecord framing
 * ({@link TfRecords}) around tensorflow.Event protobufs (tensorflow/core/util/event.proto), one
 * record per step. Values are float32, as Summary.Value.simple_value holds them; metrics.jsonl
 * keeps float64.
 *
 * <p>Like metrics.jsonl, the file reads as one uninterrupted run: a resumed run cuts off the
 * records of steps after its checkpoint, and a torn last record, before it appends. Left in place,
 * they would repeat steps: TensorBoard's viewer discards a step's earlier points when it meets the
 * step again, but other readers of event files (tbparse, TensorBoard's Python EventAccumulator
 * with purge_orphaned_data off) would show every step twice.
 */
public final class TensorBoardLog implements AutoCloseable {
  /** Our file in a directory: TensorBoard reads every file whose name holds "tfevents". */
  private static final String PREFIX = "events.out.tfevents.";
  private static final String SUFFIX = ".blur-native";

  // tensorflow.Event fields (event.proto)
  private static final int EVENT_WALL_TIME = 1, EVENT_STEP = 2, EVENT_FILE_VERSION = 3, EVENT_SUMMARY = 5;
  // tensorflow.Summary (summary.proto): repeated Value value = 1; Value: tag = 1, simple_value = 2
  private static final int SUMMARY_VALUE = 1, VALUE_TAG = 1, VALUE_SIMPLE = 2;

  private final Path file;
  private final FileChannel out;
  private final Clock clock;

  private TensorBoardLog(Path file, FileChannel out, Clock clock) {
    this.file = file;
    this.out = out;
    this.clock = clock;
  }

  /** Our event files in {@code dir}, by name (their creation time). */
  public static List<Path> eventFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith(PREFIX)
          && p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
    }
  }

  /**
   * Opens the event file in {@code dir} to append after {@code step}, creating it (with
   * TensorBoard's file-version record) if the run has none yet.
   */
  public static TensorBoardLog continuingAfter(Path dir, long step, Clock clock) throws IOException {
    List<Path> existing = eventFiles(dir);
    if (existing.size() > 1) {
      throw new IllegalArgumentException(dir + " holds " + existing.size() + " event files of blur-native runs;"
          + " TensorBoard would draw them as one run: give each run its own --tensorboard directory");
    }
    Path file = existing.isEmpty()
        ? dir.resolve(PREFIX + clock.instant().getEpochSecond() + SUFFIX) : existing.get(0);
    TensorBoardLog log;
    try {
      Files.createDirectories(dir);
      log = new TensorBoardLog(file, FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE), clock);
    } catch (IOException e) {
      throw FileErrors.cannotWrite(file, e);
    }
    try {
      log.cutAfter(step);
      if (log.out.size() == 0) {
        log.write(event(log.wallTime(), 0, e -> e.writeString(EVENT_FILE_VERSION, "brain.Event:2")));
      }
      return log;
    } catch (IOException | RuntimeException e) {
      log.close();
      throw e;
    }
  }

  /** Truncates the file at its first record of a step after {@code step}, or at its first damaged one. */
  private void cutAfter(long step) throws IOException {
    long keep = 0;
    for (TfRecords.Record r : TfRecords.intactPrefix(out)) {
      if (stepOf(r.data()) > step) {
        break;
      }
      keep = r.offset() + TfRecords.OVERHEAD + r.data().length;
    }
    try {
      out.truncate(keep);
      out.position(keep);
    } catch (IOException e) {
      throw FileErrors.cannotWrite(file, e);
    }
  }

  public Path file() {
    return file;
  }

  /** Appends the step's scalars, the ones the step defines (a skipped step has no d, F, R). */
  public void append(StepMetrics m) throws IOException {
    Map<String, Double> scalars = scalars(m);
    write(event(wallTime(), m.step(), e -> {
      ByteArrayOutputStream summary = new ByteArrayOutputStream();
      CodedOutputStream s = CodedOutputStream.newInstance(summary);
      for (Map.Entry<String, Double> v : scalars.entrySet()) {
        s.writeByteArray(SUMMARY_VALUE, message(value -> {
          value.writeString(VALUE_TAG, v.getKey());
          value.writeFloat(VALUE_SIMPLE, v.getValue().floatValue());
        }));
      }
      s.flush();
      e.writeByteArray(EVENT_SUMMARY, summary.toByteArray());
    }));
  }

  /** The tags and values of a step, grouped as TensorBoard shows them (one section per prefix). */
  static Map<String, Double> scalars(StepMetrics m) {
    Map<String, Double> s = new LinkedHashMap<>();
    put(s, "loss/forget", m.forgetLoss());
    put(s, "loss/retain", m.retainLoss());
    put(s, "sums/d", m.d());
    put(s, "sums/F", m.ff());
    put(s, "sums/R", m.rr());
    put(s, "coefficients/c_f", m.cf());
    put(s, "coefficients/c_r", m.cr());
    put(s, "diagnostics/cos", m.cos());
    put(s, "diagnostics/A_f", m.forgetAlignment());
    put(s, "diagnostics/A_r", m.retainAlignment());
    put(s, "diagnostics/u_norm", m.updateNorm());
    put(s, "optimizer/lr", m.lr());
    put(s, "optimizer/lr_scale", m.lrScale());
    put(s, "optimizer/clip_scale", m.clipScale());
    put(s, "optimizer/gen_ratio", m.genRatio());
    return s;
  }

  private static void put(Map<String, Double> scalars, String tag, Double value) {
    if (value != null && Double.isFinite(value)) {
      scalars.put(tag, value);
    }
  }

  private double wallTime() {
    return clock.millis() / 1000.0;
  }

  /** One record, in one write; a write that fails is cut back off, as metrics.jsonl's rows are. */
  private void write(byte[] event) throws IOException {
    ByteBuffer record = ByteBuffer.wrap(TfRecords.frame(event));
    long before = out.position();
    try {
      while (record.hasRemaining()) {
        out.write(record);
      }
    } catch (IOException e) {
      try {
        out.truncate(before);
        out.position(before);
      } catch (IOException ignored) {
        // the torn record stays; a resume cuts it off, and readers stop at it
      }
      throw FileErrors.cannotWrite(file, e);
    }
  }

  private interface Fields {
    void write(CodedOutputStream out) throws IOException;
  }

  private static byte[] message(Fields fields) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    fields.write(out);
    out.flush();
    return bytes.toByteArray();
  }

  private static byte[] event(double wallTime, long step, Fields rest) throws IOException {
    return message(e -> {
      e.writeDouble(EVENT_WALL_TIME, wallTime);
      e.writeInt64(EVENT_STEP, step);
      rest.write(e);
    });
  }

  /** An Event's step (0 when absent, as protobuf reads a missing field). */
  private static long stepOf(byte[] event) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(event);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (WireFormat.getTagFieldNumber(tag) == EVENT_STEP && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_VARINT) {
        return in.readInt64();
      }
      in.skipField(tag);
    }
    return 0;
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
