package org.blurnative.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * TFRecord framing, the container of TensorBoard's event files (tensorflow/core/lib/io/record_writer.cc):
 * each record is uint64 length, uint32 masked CRC-32C of those 8 bytes, the data, uint32 masked
 * CRC-32C of the data, all little-endian.
 */
public final class TfRecords {
  /** Length, its checksum, and the data's checksum: what a record adds to its data. */
  public static final int OVERHEAD = 8 + 4 + 4;
  private static final int MASK_DELTA = 0xa282ead8;

  private TfRecords() {}

  /** A record's bytes at {@code offset} of a file and its data. */
  public record Record(long offset, byte[] data) {}

  /** {@code data} framed as one record, to be written in one call. */
  public static byte[] frame(byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(OVERHEAD + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(data.length);
    b.putInt(maskedCrc(b.array(), 0, 8));
    b.put(data);
    b.putInt(maskedCrc(data, 0, data.length));
    return b.array();
  }

  /**
   * TensorFlow masks a stored CRC (tensorflow/core/lib/hash/crc32c.h), because a CRC over data
   * that itself holds CRCs is weak: rotate right by 15 bits, add a constant.
   */
  public static int maskedCrc(byte[] bytes, int from, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, from, length);
    int c = (int) crc.getValue();
    return ((c >>> 15) | (c << 17)) + MASK_DELTA;
  }

  /**
   * The file's whole, intact records from the start, stopping at the first that is cut short or
   * whose checksums do not match: what a killed writer leaves at the end, and where TensorBoard's
   * own reader stops too.
   */
  public static List<Record> intactPrefix(FileChannel in) throws IOException {
    List<Record> records = new ArrayList<>();
    long size = in.size();
    long at = 0;
    ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    while (size - at >= OVERHEAD) {
      header.clear();
      readFully(in, header, at);
      long length = header.getLong(0);
      if (header.getInt(8) != maskedCrc(header.array(), 0, 8) || length < 0 || length > size - at - OVERHEAD
          || length > Integer.MAX_VALUE - 4) {  // the last: no record of ours is that large
        break;
      }
      ByteBuffer body = ByteBuffer.allocate((int) length + 4).order(ByteOrder.LITTLE_ENDIAN);
      readFully(in, body, at + 12);
      byte[] data = new byte[(int) length];
      body.get(0, data);
      if (body.getInt((int) length) != maskedCrc(data, 0, data.length)) {
        break;
      }
      records.add(new Record(at, data));
      at += OVERHEAD + length;
    }
    return records;
  }

  private static void readFully(FileChannel in, ByteBuffer into, long position) throws IOException {
    while (into.hasRemaining()) {
      if (in.read(into, position + into.position()) < 0) {
        throw new IOException("end of file inside a record that fits the file");
      }
    }
  }
}
