package org.blurnative.eval.mia;

import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;

/**
 * The length of Python's {@code zlib.compress(text.encode("utf-8"))}: the ZLib attack's
 * denominator (Carlini et al. 2021; open-unlearning src/evals/metrics/mia/zlib.py, commit
 * d3d7cf9). Python's default level (−1, which zlib reads as 6), window and memory level are
 * Deflater's defaults, and both write the zlib header and Adler-32 trailer.
 */
public final class ZlibEntropy {
  private ZlibEntropy() {}

  public static int compressedLength(String text) {
    Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
    try {
      deflater.setInput(text.getBytes(StandardCharsets.UTF_8));
      deflater.finish();
      byte[] chunk = new byte[8192];
      int length = 0;
      while (!deflater.finished()) {
        length += deflater.deflate(chunk);
      }
      return length;
    } finally {
      deflater.end();
    }
  }
}
