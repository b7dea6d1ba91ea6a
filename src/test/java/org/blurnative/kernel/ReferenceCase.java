package org.blurnative.kernel;

import static org.bytedeco.pytorch.global.torch.ScalarType;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.blurnative.model.HostArrays;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * One random case for a program outside the JVM (a C client, the Python package): inputs and the
 * Java reference kernel's outputs as files in a directory, then a check of the program's outputs
 * against them.
 *
 * <p>Files, little-endian: gf.bin and gr.bin (n float32, or bfloat16 bits), theta.bin (n
 * float32), case.txt ("n dtype cf cr lr weight_decay steps", dtype 0 float32, 1 bfloat16) and the
 * reference's java_sums.txt ("d F R nonfinite"), java_u.bin (combine), java_sgd.bin (θ after
 * `steps` SGD steps), java_adamw_theta.bin, java_adamw_m.bin, java_adamw_v.bin (AdamW from
 * m = v = 0, betas 0.9/0.999 as float32, eps 1e-3). A program writes the same names without
 * the java_ prefix.
 */
record ReferenceCase(Path dir, ScalarType dtype, long n, long seed) {
  static final double CF = 0.37 - Math.PI;
  static final double CR = 1.0;
  static final float LR = 0x1p-7f;
  static final float WEIGHT_DECAY = 0.125f;
  static final int STEPS = 3;
  /** eps 1e-3, as BackendAgreementTest explains: near u = 0 a float32 AdamW step is a sign */
  static final OptimizerSettings.AdamW ADAMW = new OptimizerSettings.AdamW(0.9, 0.999, 1e-3, WEIGHT_DECAY);

  /** Sizes around every boundary: empty, one, the 8-wide vectors, a reduce block, a thread chunk. */
  static final long[] SIZES = {0, 1, 7, 8, 9, 1023, 65_537, (1 << 17) + 3};

  String context() {
    return dtype + " n=" + n + " seed=" + seed;
  }

  boolean bf16() {
    return dtype == ScalarType.BFloat16;
  }

  /** Random inputs in a new directory under {@code parent}, with the Java reference's outputs. */
  static ReferenceCase write(Path parent, ScalarType dtype, long n) throws IOException {
    long seed = System.nanoTime();
    ReferenceCase c = new ReferenceCase(Files.createTempDirectory(parent, "case"), dtype, n, seed);
    Random random = new Random(seed);
    float[] gf = gaussian(random, n, c.bf16()), gr = gaussian(random, n, c.bf16());
    float[] theta = gaussian(random, n, false);
    Files.write(c.dir.resolve("gf.bin"), bytes(gf, c.bf16()));
    Files.write(c.dir.resolve("gr.bin"), bytes(gr, c.bf16()));
    Files.write(c.dir.resolve("theta.bin"), bytes(theta, false));
    Files.writeString(c.dir.resolve("case.txt"), String.join(" ", c.arguments()) + "\n");
    c.writeReference(gf, gr, theta);
    return c;
  }

  /** n dtype cf cr lr weight_decay steps, as reference_client.c takes them after DIR. */
  List<String> arguments() {
    return List.of(Long.toString(n), bf16() ? "1" : "0", Double.toString(CF), Double.toString(CR),
        Float.toString(LR), Float.toString(WEIGHT_DECAY), Integer.toString(STEPS));
  }

  private void writeReference(float[] gf, float[] gr, float[] theta) throws IOException {
    try (PointerScope scope = new PointerScope()) {
      UpdateKernel java = Backend.JAVA.open(0);
      Tensor f = tensor(gf, dtype), r = tensor(gr, dtype);
      GradientSums s = java.reduce(f, r);
      Files.writeString(dir.resolve("java_sums.txt"),
          s.dot() + " " + s.ff() + " " + s.rr() + " " + (s.nonFinite() ? 1 : 0) + "\n");

      Tensor u = tensor(new float[(int) n], ScalarType.Float);
      java.combine(f, r, CF, CR, u);
      float[] uValues = HostArrays.toFloats(u);
      Files.write(dir.resolve("java_u.bin"), bytes(uValues, false));

      Tensor sgd = tensor(theta, ScalarType.Float);
      try (FlatOptimizer opt = java.optimizer(sgd, new OptimizerSettings.Sgd(WEIGHT_DECAY))) {
        steps(opt, f, r);
      }
      Files.write(dir.resolve("java_sgd.bin"), bytes(HostArrays.toFloats(sgd), false));

      Tensor adamw = tensor(theta, ScalarType.Float);
      try (FlatOptimizer opt = java.optimizer(adamw, ADAMW)) {
        steps(opt, f, r);
      }
      Files.write(dir.resolve("java_adamw_theta.bin"), bytes(HostArrays.toFloats(adamw), false));
      // the same u every step: m = (1 − β1^t)·u and v = (1 − β2^t)·u² exactly, with the betas
      // as the C struct holds them (1 − 0.999f is 5e-5 away from 0.001)
      double beta1 = 0.9f, beta2 = 0.999f;
      float[] m = new float[(int) n], v = new float[(int) n];
      for (int i = 0; i < n; i++) {
        m[i] = (float) ((1 - Math.pow(beta1, STEPS)) * uValues[i]);
        v[i] = (float) ((1 - Math.pow(beta2, STEPS)) * uValues[i] * (double) uValues[i]);
      }
      Files.write(dir.resolve("java_adamw_m.bin"), bytes(m, false));
      Files.write(dir.resolve("java_adamw_v.bin"), bytes(v, false));
    }
  }

  private static void steps(FlatOptimizer opt, Tensor f, Tensor r) {
    for (int t = 0; t < STEPS; t++) {
      opt.step(f, r, CF, CR, LR);
    }
  }

  /**
   * The program's outputs against the reference: the sums to 1e-12 (float64 additions in another
   * order), u bit for bit (both form it in float64 and round once), θ, m and v to 1e-6 of the
   * terms that formed them (float32 arithmetic against float64; {@link #termScale}).
   */
  void assertProgramMatches() throws IOException {
    String ctx = context();
    GradientSums expected = sums("java_sums.txt"), actual = sums("sums.txt");
    BackendAgreementTest.assertSumsClose(expected, actual, BackendAgreementTest.REDUCE_TOLERANCE, ctx);
    assertFalse(actual.nonFinite(), ctx);
    assertArrayEquals(floats("java_u.bin"), floats("u.bin"), ctx + ": combine");
    for (String output : List.of("sgd", "adamw_theta", "adamw_m", "adamw_v")) {
      float[] reference = floats("java_" + output + ".bin");
      assertClose(reference, floats(output + ".bin"), 1e-6 * termScale(output, reference), ctx + ": " + output);
    }
  }

  /**
   * The size of what formed an output: for θ, θ0 and {@value #STEPS} updates of at most lr·|u|
   * (SGD) or lr (AdamW, whose step is m̂/(√v̂ + eps) ≤ 1). θ's own size is no scale: where the
   * updates cancel θ0 (likely at n = 1) it is far below the float32 rounding of the steps.
   * m and v are u and u² times a constant, so their own size is theirs.
   */
  private double termScale(String output, float[] expected) throws IOException {
    float[] theta0 = floats("theta.bin"), u = floats("java_u.bin");
    double scale = 0;
    for (int i = 0; i < n; i++) {
      double terms = switch (output) {
        case "sgd" -> Math.abs(theta0[i]) + STEPS * LR * Math.abs(u[i]);
        case "adamw_theta" -> Math.abs(theta0[i]) + STEPS * LR;
        default -> Math.abs(expected[i]);
      };
      scale = Math.max(scale, terms);
    }
    return scale;
  }

  private GradientSums sums(String file) throws IOException {
    String[] parts = Files.readString(dir.resolve(file)).trim().split(" ");
    return new GradientSums(Double.parseDouble(parts[0]), Double.parseDouble(parts[1]),
        Double.parseDouble(parts[2]), !parts[3].equals("0"));
  }

  private float[] floats(String file) throws IOException {
    byte[] raw = Files.readAllBytes(dir.resolve(file));
    assertEquals(4 * n, raw.length, file + " has the wrong size; " + context());
    float[] x = new float[(int) n];
    ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(x);
    return x;
  }

  /** n standard-normal values, rounded to bfloat16 (to nearest even) when {@code bf16}. */
  private static float[] gaussian(Random random, long n, boolean bf16) {
    float[] x = new float[(int) n];
    for (int i = 0; i < n; i++) {
      float value = (float) random.nextGaussian();
      x[i] = bf16 ? Float.intBitsToFloat(bf16Bits(value) << 16) : value;
    }
    return x;
  }

  private static int bf16Bits(float value) {
    int bits = Float.floatToRawIntBits(value);
    return (bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16;
  }

  /** Little-endian float32 or bfloat16 bits (the values are already bfloat16, so exact). */
  private static byte[] bytes(float[] x, boolean bf16) {
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

  private static Tensor tensor(float[] values, ScalarType dtype) {
    Tensor t = values.length == 0
        ? torch.zeros(new long[] {0}, new TensorOptions(ScalarType.Float))
        : HostArrays.floats(values, values.length);
    return dtype == ScalarType.Float ? t : t.to(dtype);
  }

  /** max|a − b| ≤ bound (float32 rounding of the terms that formed them; 0 when n = 0). */
  private static void assertClose(float[] expected, float[] actual, double bound, String ctx) {
    double diff = 0;
    for (int i = 0; i < expected.length; i++) {
      diff = Math.max(diff, Math.abs((double) actual[i] - expected[i]));
    }
    assertTrue(diff <= bound, ctx + ": error " + diff + " against bound " + bound);
  }
}
