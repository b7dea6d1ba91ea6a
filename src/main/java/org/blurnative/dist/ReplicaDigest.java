package org.blurnative.dist;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Tensor;

/**
 * A SHA-256 over exact bits (doubles, tensor bytes), for checking that ranks hold the same thing:
 * replicas that agree bit for bit have equal digests, and a digest is cheap to exchange.
 */
public final class ReplicaDigest {
  /** Bytes hashed per slice of a tensor: one Java buffer holds at most 2 GB. */
  private static final long SLICE = 1L << 30;

  private final MessageDigest sha = newSha256();
  private long count;

  /** Adds the bits of {@code values}, one entry. */
  public void add(double... values) {
    ByteBuffer bits = ByteBuffer.allocate(Double.BYTES * values.length);
    for (double v : values) {
      bits.putLong(Double.doubleToRawLongBits(v));
    }
    sha.update(bits.flip());
    count++;
  }

  /** Adds the bytes of {@code t}, one entry. */
  public void add(Tensor t) {
    try (Tensor dense = t.contiguous(); BytePointer bytes = new BytePointer(dense.data_ptr())) {
      long n = dense.nbytes();
      for (long from = 0; from < n; from += SLICE) {
        sha.update(bytes.position(from).limit(Math.min(n, from + SLICE)).asByteBuffer());
      }
    }
    count++;
  }

  /** Entries added so far. */
  public long count() {
    return count;
  }

  /** The first 16 hex digits of the digest so far: enough to tell replicas apart. */
  public String hex() {
    try {
      return HexFormat.of().formatHex(((MessageDigest) sha.clone()).digest()).substring(0, 16);
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("SHA-256 digests are cloneable in every JDK", e);
    }
  }

  /** The SHA-256 of {@code bytes}, in hex. */
  public static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(newSha256().digest(bytes));
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
