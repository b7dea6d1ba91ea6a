package org.blurnative.kernel;

import static org.bytedeco.pytorch.global.torch.ScalarType;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.blurnative.model.HostArrays;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * C programs compiled against target/native/include/blur.h and linked with target/native/lib, as
 * a user of the C library would build them (docs/c-api.md): src/test/c/abi_refusals.c feeds every
 * entry point bad arguments (libblur.so, and libblur_cuda.so where the build made it), and
 * src/test/c/reference_client.c runs every entry point on random data that the Java reference
 * kernel also runs on. Without gcc the tests say why and are skipped.
 */
class CProgramTest {
  static final Path NATIVE = Path.of("target", "native").toAbsolutePath();
  static final Path SOURCES = Path.of("src", "test", "c").toAbsolutePath();
  static final Duration LIMIT = Duration.ofSeconds(120);

  /** Sizes around every boundary: empty, one, the 8-wide vectors, a reduce block, a thread chunk. */
  static final long[] SIZES = {0, 1, 7, 8, 9, 1023, 65_537, (1 << 17) + 3};
  static final double CF = 0.37 - Math.PI;
  static final double CR = 1.0;
  static final float LR = 0x1p-7f;
  static final float WEIGHT_DECAY = 0.125f;
  static final int STEPS = 3;

  @TempDir static Path work;
  static Path referenceClient;

  @BeforeAll
  static void compileTheClient() throws Exception {
    referenceClient = compile("reference_client.c", "blur", List.of());
  }

  @Test
  void everyCpuEntryPointRefusesBadArguments() throws Exception {
    Path program = compile("abi_refusals.c", "blur", List.of());
    ChildProcess run = ChildProcess.run(LIMIT, List.of(program.toString()));
    assertEquals(0, run.exitCode(), run.output());
    assertTrue(run.output().contains("libblur.so: ") && run.output().contains("refusal checks passed"),
        run.output());
  }

  @Test
  void everyCudaEntryPointRefusesBadArgumentsWithoutTouchingAGpu() throws Exception {
    boolean built = Files.exists(NATIVE.resolve("lib/libblur_cuda.so"));
    if (!built) {
      System.out.println("CProgramTest: no target/native/lib/libblur_cuda.so (nvcc was not on the "
          + "PATH at build time): the CUDA refusals are skipped");
    }
    assumeTrue(built, "libblur_cuda.so was not built");
    Path program = compile("abi_refusals.c", "blur_cuda", List.of("-DBLUR_TEST_CUDA"));
    ChildProcess run = ChildProcess.run(LIMIT, List.of(program.toString()));
    assertEquals(0, run.exitCode(), run.output());
    assertTrue(run.output().contains("libblur_cuda.so: "), run.output());
  }

  static List<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (ScalarType dtype : new ScalarType[] {ScalarType.Float, ScalarType.BFloat16}) {
      for (long n : SIZES) {
        cases.add(Arguments.of(dtype, n));
      }
    }
    return cases;
  }

  @ParameterizedTest(name = "{0} n={1}")
  @MethodSource("cases")
  void theCProgramGetsTheJavaReferenceResults(ScalarType dtype, long n) throws Exception {
    long seed = System.nanoTime();
    String ctx = dtype + " n=" + n + " seed=" + seed;
    Random random = new Random(seed);
    boolean bf16 = dtype == ScalarType.BFloat16;
    float[] gf = gaussian(random, n, bf16), gr = gaussian(random, n, bf16), theta = gaussian(random, n, false);

    Path dir = Files.createTempDirectory(work, "case");
    Files.write(dir.resolve("gf.bin"), bytes(gf, bf16));
    Files.write(dir.resolve("gr.bin"), bytes(gr, bf16));
    Files.write(dir.resolve("theta.bin"), bytes(theta, false));
    ChildProcess run = ChildProcess.run(LIMIT, List.of(referenceClient.toString(), dir.toString(),
        Long.toString(n), bf16 ? "1" : "0", Double.toString(CF), Double.toString(CR),
        Float.toString(LR), Float.toString(WEIGHT_DECAY), Integer.toString(STEPS)));
    assertEquals(0, run.exitCode(), ctx + ": " + run.output());

    try (PointerScope scope = new PointerScope()) {
      UpdateKernel java = Backend.JAVA.open(0);
      Tensor f = tensor(gf, dtype), r = tensor(gr, dtype);

      GradientSums expected = java.reduce(f, r);
      String[] sums = Files.readString(dir.resolve("sums.txt")).trim().split(" ");
      GradientSums actual = new GradientSums(Double.parseDouble(sums[0]), Double.parseDouble(sums[1]),
          Double.parseDouble(sums[2]), !sums[3].equals("0"));
      BackendAgreementTest.assertSumsClose(expected, actual, BackendAgreementTest.REDUCE_TOLERANCE, ctx);
      assertEquals(false, actual.nonFinite(), ctx);

      // u is c_f·g_f + c_r·g_r in float64 rounded once, in C and in Java alike: the same bits
      Tensor u = tensor(new float[(int) n], ScalarType.Float);
      java.combine(f, r, CF, CR, u);
      float[] expectedU = HostArrays.toFloats(u);
      assertArrayEquals(expectedU, floats(dir.resolve("u.bin"), n), ctx + ": combine");

      Tensor sgd = tensor(theta, ScalarType.Float);
      try (FlatOptimizer opt = java.optimizer(sgd, new OptimizerSettings.Sgd(WEIGHT_DECAY))) {
        stepTimes(opt, f, r);
      }
      assertClose(HostArrays.toFloats(sgd), floats(dir.resolve("sgd.bin"), n), 1e-6, ctx + ": apply_sgd θ");

      Tensor adamw = tensor(theta, ScalarType.Float);
      try (FlatOptimizer opt = java.optimizer(adamw, new OptimizerSettings.AdamW(0.9, 0.999, 1e-3, WEIGHT_DECAY))) {
        stepTimes(opt, f, r);
      }
      assertClose(HostArrays.toFloats(adamw), floats(dir.resolve("adamw_theta.bin"), n), 1e-6,
          ctx + ": apply_adamw θ");
      // the same u every step: m = (1 − β1^t)·u and v = (1 − β2^t)·u² exactly, with the betas
      // as the C struct holds them (1 − 0.999f is 5e-5 away from 0.001)
      double beta1 = 0.9f, beta2 = 0.999f;
      float[] m = new float[(int) n], v = new float[(int) n];
      for (int i = 0; i < n; i++) {
        m[i] = (float) ((1 - Math.pow(beta1, STEPS)) * expectedU[i]);
        v[i] = (float) ((1 - Math.pow(beta2, STEPS)) * expectedU[i] * (double) expectedU[i]);
      }
      assertClose(m, floats(dir.resolve("adamw_m.bin"), n), 1e-6, ctx + ": apply_adamw m");
      assertClose(v, floats(dir.resolve("adamw_v.bin"), n), 1e-6, ctx + ": apply_adamw v");
    }
  }

  private static void stepTimes(FlatOptimizer opt, Tensor f, Tensor r) {
    for (int t = 0; t < STEPS; t++) {
      opt.step(f, r, CF, CR, LR);
    }
  }

  /** gcc, as a user would run it: -I the header, -L the library, an rpath to find it at run time. */
  static Path compile(String source, String library, List<String> flags) throws Exception {
    Optional<Path> gcc = ChildProcess.onPath("gcc");
    if (gcc.isEmpty()) {
      System.out.println("CProgramTest: gcc is not on the PATH, so the C programs cannot be built: skipped");
    }
    assumeTrue(gcc.isPresent(), "gcc is not on the PATH");
    Path lib = NATIVE.resolve("lib");
    assertTrue(Files.exists(NATIVE.resolve("include/blur.h")) && Files.exists(lib.resolve("lib" + library + ".so")),
        "the Maven build puts blur.h and lib" + library + ".so under " + NATIVE + "; run the compile phase first");
    Path out = work.resolve(source.replace(".c", "") + (flags.isEmpty() ? "" : "-" + library));
    List<String> command = new ArrayList<>(List.of(gcc.get().toString(), "-std=c11", "-O2", "-Wall",
        "-Wextra", "-Werror"));
    command.addAll(flags);
    command.addAll(List.of("-I" + NATIVE.resolve("include"), SOURCES.resolve(source).toString(),
        "-L" + lib, "-l" + library, "-Wl,-rpath," + lib, "-lm", "-o", out.toString()));
    ChildProcess build = ChildProcess.run(LIMIT, command);
    assertEquals(0, build.exitCode(), "gcc failed:\n" + build.output());
    return out;
  }

  /** n standard-normal values, rounded to bfloat16 (to nearest even) when {@code bf16}. */
  static float[] gaussian(Random random, long n, boolean bf16) {
    float[] x = new float[(int) n];
    for (int i = 0; i < n; i++) {
      float value = (float) random.nextGaussian();
      x[i] = bf16 ? Float.intBitsToFloat(bf16Bits(value) << 16) : value;
    }
    return x;
  }

  static int bf16Bits(float value) {
    int bits = Float.floatToRawIntBits(value);
    return (bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16;
  }

  /** Little-endian float32 or bfloat16 bits (the values are already bfloat16, so exact). */
  static byte[] bytes(float[] x, boolean bf16) {
    ByteBuffer buf = ByteBuffer.allocate(x.length * (bf16 ? 2 : 4)).order(ByteOrder.LITTLE_ENDIAN);
    for (float value : x) {
      if (bf16) {
        buf.putShort((short) (Float.floatToRawIntBits(value) >>> 16));
      } else {
        buf.putFloat(value);
      }
    }
    return buf.array();
  }

  static float[] floats(Path file, long n) throws IOException {
    byte[] raw = Files.readAllBytes(file);
    assertEquals(4 * n, raw.length, file + " has the wrong size");
    float[] x = new float[(int) n];
    ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(x);
    return x;
  }

  static Tensor tensor(float[] values, ScalarType dtype) {
    Tensor t = values.length == 0
        ? torch.zeros(new long[] {0}, new TensorOptions(ScalarType.Float))
        : HostArrays.floats(values, values.length);
    return dtype == ScalarType.Float ? t : t.to(dtype);
  }

  /** max|a − b| ≤ tol·max|expected|: float32 rounding against the vector's own scale. */
  static void assertClose(float[] expected, float[] actual, double tol, String ctx) {
    double diff = 0, scale = 0;
    for (int i = 0; i < expected.length; i++) {
      diff = Math.max(diff, Math.abs((double) actual[i] - expected[i]));
      scale = Math.max(scale, Math.abs(expected[i]));
    }
    assertTrue(diff <= tol * scale, ctx + ": error " + diff + " against scale " + scale);
  }
}
