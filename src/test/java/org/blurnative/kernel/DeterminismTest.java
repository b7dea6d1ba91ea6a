package org.blurnative.kernel;

import static org.bytedeco.pytorch.global.torch.ScalarType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.blurnative.kernel.jni.BlurNative;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `cpu` reduce gives the same bits with 1 and 2 threads, on every run, and with the portable
 * kernels instead of AVX2 (DESIGN.md §3): the partition and the summation order depend on n only.
 */
class DeterminismTest {
  static final long N = 3 * 65536 + 12345;  // several reduction blocks and a ragged tail

  @Test
  void sameBitsWithOneAndTwoThreadsAndAcrossRuns() {
    for (ScalarType dtype : new ScalarType[] {ScalarType.Float, ScalarType.BFloat16}) {
      try (PointerScope scope = new PointerScope()) {
        Vectors rnd = new Vectors();
        Tensor gf = rnd.normal(N, dtype), gr = rnd.normal(N, dtype);
        GradientSums one = Backend.CPU.open(1).reduce(gf, gr);
        assertEquals(1, BlurNative.blur_get_num_threads());
        GradientSums two = Backend.CPU.open(2).reduce(gf, gr);
        assertEquals(2, BlurNative.blur_get_num_threads());
        GradientSums again = Backend.CPU.open(2).reduce(gf, gr);
        String ctx = rnd.context(N, dtype);
        assertBitIdentical(one, two, ctx);
        assertBitIdentical(two, again, ctx);
      } finally {
        Backend.CPU.open(0);
      }
    }
  }

  @Test
  void portableKernelsGiveTheAvx2Bits(@TempDir Path dir) throws Exception {
    long seed = System.nanoTime();
    GradientSums here = SumsPrinter.sums(seed);
    assumeTrue("avx2".equals(BlurNative.blur_cpu_isa().getString()), "this CPU has no AVX2");
    ProcessBuilder child = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"),
            SumsPrinter.class.getName(), Long.toString(seed))
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("out.txt").toFile());
    child.environment().put("BLUR_CPU_ISA", "portable");
    int exit = child.start().waitFor();
    String out = Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8).strip();
    assertEquals(0, exit, out);
    String[] lines = out.split("\n");
    assertEquals("portable", lines[lines.length - 2].strip(), out);
    assertEquals(SumsPrinter.format(here), lines[lines.length - 1].strip(), "seed=" + seed);
  }

  static void assertBitIdentical(GradientSums a, GradientSums b, String ctx) {
    assertEquals(Double.doubleToRawLongBits(a.dot()), Double.doubleToRawLongBits(b.dot()), ctx);
    assertEquals(Double.doubleToRawLongBits(a.ff()), Double.doubleToRawLongBits(b.ff()), ctx);
    assertEquals(Double.doubleToRawLongBits(a.rr()), Double.doubleToRawLongBits(b.rr()), ctx);
  }

  /** Run in a child JVM: prints the kernels' instruction set and the sums' bits for a seed. */
  public static final class SumsPrinter {
    static GradientSums sums(long seed) {
      torch.manual_seed(seed);
      try (PointerScope scope = new PointerScope()) {
        Tensor gf = torch.randn(N), gr = torch.randn(N);
        return Backend.CPU.open(0).reduce(gf, gr);
      }
    }

    static String format(GradientSums s) {
      return Long.toHexString(Double.doubleToRawLongBits(s.dot())) + " "
          + Long.toHexString(Double.doubleToRawLongBits(s.ff())) + " "
          + Long.toHexString(Double.doubleToRawLongBits(s.rr()));
    }

    public static void main(String[] args) throws IOException {
      GradientSums s = sums(Long.parseLong(args[0]));
      System.out.println(BlurNative.blur_cpu_isa().getString());
      System.out.println(format(s));
    }
  }
}
