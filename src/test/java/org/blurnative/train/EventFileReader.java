package org.blurnative.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Reads a TensorBoard event file by hand, without the code that wrote it: TFRecord framing as
 * tensorflow/core/lib/io/record_reader.cc checks it, and the protobuf wire format of the Event
 * fields we write (event.proto, summary.proto), decoded byte by byte.
 */
public final class EventFileReader {
  public record Event(double wallTime, long step, String fileVersion, Map<String, Float> scalars) {}

  private EventFileReader() {}

  /** Every record of the file; fails on a bad checksum or a record cut short. */
  public static List<Event> read(Path file) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    List<Event> events = new ArrayList<>();
    while (b.hasRemaining()) {
      byte[] length = new byte[8];
      b.get(length);
      int lengthCrc = b.getInt();
      assertEquals(masked(length), lengthCrc, "length checksum of record " + events.size());
      byte[] data = new byte[(int) ByteBuffer.wrap(length).order(ByteOrder.LITTLE_ENDIAN).getLong()];
      b.get(data);
      assertEquals(masked(data), b.getInt(), "data checksum of record " + events.size());
      events.add(event(data));
    }
    return events;
  }

  /** TensorFlow's masked CRC-32C: rotate right by 15, add 0xa282ead8 (crc32c.h). */
  static int masked(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    int c = (int) crc.getValue();
    return Integer.rotateRight(c, 15) + 0xa282ead8;
  }

  private static Event event(byte[] data) {
    Wire w = new Wire(data);
    double wallTime = 0;
    long step = 0;
    String version = null;
    Map<String, Float> scalars = new LinkedHashMap<>();
    while (w.more()) {
      long key = w.varint();
      switch ((int) key) {
        case (1 << 3) | 1 -> wallTime = Double.longBitsToDouble(w.fixed64());
        case (2 << 3) -> step = w.varint();
        case (3 << 3) | 2 -> version = new String(w.bytes(), StandardCharsets.UTF_8);
        case (5 << 3) | 2 -> summary(w.bytes(), scalars);
        default -> throw new AssertionError("unexpected Event field key " + key);
      }
    }
    return new Event(wallTime, step, version, scalars);
  }

  private static void summary(byte[] data, Map<String, Float> into) {
    Wire s = new Wire(data);
    while (s.more()) {
      assertEquals((1 << 3) | 2, s.varint(), "Summary.value");
      Wire v = new Wire(s.bytes());
      String tag = null;
      Float value = null;
      while (v.more()) {
        long key = v.varint();
        if (key == ((1 << 3) | 2)) {
          tag = new String(v.bytes(), StandardCharsets.UTF_8);
        } else if (key == ((2 << 3) | 5)) {
          value = Float.intBitsToFloat(v.fixed32());
        } else {
          throw new AssertionError("unexpected Summary.Value field key " + key);
        }
      }
      into.put(tag, value);
    }
  }

  /** Protobuf's wire format: varints, little-endian fixed widths, length-prefixed bytes. */
  private static final class Wire {
    private final ByteBuffer b;

    Wire(byte[] data) {
      b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    }

    boolean more() {
      return b.hasRemaining();
    }

    long varint() {
      long value = 0;
      for (int shift = 0; ; shift += 7) {
        byte x = b.get();
        value |= (long) (x & 0x7f) << shift;
        if (x >= 0) {
          return value;
        }
      }
    }

    long fixed64() {
      return b.getLong();
    }

    int fixed32() {
      return b.getInt();
    }

    byte[] bytes() {
      byte[] out = new byte[(int) varint()];
      b.get(out);
      return out;
    }
  }
}
