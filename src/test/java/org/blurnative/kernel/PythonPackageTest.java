package org.blurnative.kernel;

import static org.bytedeco.pytorch.global.torch.ScalarType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python package's unittest suite (scripts/python/tests) under {@code mvn verify}, against the
 * libblur.so this build made (target/native/lib), with random cases whose expected outputs the
 * Java reference kernel wrote ({@link ReferenceCase}, read by tests/test_java_reference.py).
 *
 * <p>The interpreter is /usr/bin/python3 (Debian's python3-torch and python3-numpy live there;
 * .ci/run installs them), or -Dblur.python=PATH. Without torch it says why and is skipped. The
 * suite runs under a hard limit and fails the build when any Python test fails.
 */
class PythonPackageTest {
  static final Path PACKAGE = Path.of("scripts", "python").toAbsolutePath();
  static final Path NATIVE_LIB = Path.of("target", "native", "lib").toAbsolutePath();
  static final Duration LIMIT = Duration.ofMinutes(5);
  static final long[] SIZES = {0, 1, 7, 1023, 65_537, (1 << 17) + 3};

  @TempDir Path work;

  @Test
  void theUnittestSuitePasses() throws Exception {
    String python = System.getProperty("blur.python", "/usr/bin/python3");
    String why = missing(python);
    if (why != null) {
      System.out.println("PythonPackageTest: skipped, " + why);
    }
    assumeTrue(why == null, why);
    assertTrue(Files.exists(NATIVE_LIB.resolve("libblur.so")), "the compile phase puts libblur.so in " + NATIVE_LIB);

    for (ScalarType dtype : new ScalarType[] {ScalarType.Float, ScalarType.BFloat16}) {
      for (long n : SIZES) {
        ReferenceCase.write(work, dtype, n);
      }
    }
    Map<String, String> env = new HashMap<>();
    env.put("PYTHONPATH", PACKAGE.toString());
    env.put("BLUR_NATIVE_LIB", NATIVE_LIB.resolve("libblur.so").toString());
    Path cuda = NATIVE_LIB.resolve("libblur_cuda.so");
    if (Files.exists(cuda)) {
      env.put("BLUR_NATIVE_CUDA_LIB", cuda.toString());
    }
    env.put("BLUR_JAVA_REFERENCE", work.toString());
    ChildProcess run = ChildProcess.run(LIMIT, env, List.of(python, "-m", "unittest", "discover",
        "-s", PACKAGE.resolve("tests").toString(), "-t", PACKAGE.toString(), "-v"));
    System.out.println("PythonPackageTest: " + lastLines(run.output(), 3));
    assertEquals(0, run.exitCode(), run.output());
    assertTrue(run.output().contains("\nOK"), run.output());
  }

  /** null when {@code python} can import torch and numpy, else why not. */
  static String missing(String python) throws Exception {
    if (!Files.isExecutable(Path.of(python))) {
      return python + " does not exist (install python3, python3-numpy and python3-torch)";
    }
    ChildProcess probe = ChildProcess.run(Duration.ofSeconds(60),
        List.of(python, "-c", "import numpy, torch"));
    if (probe.exitCode() != 0) {
      return python + " cannot import numpy and torch (apt-get install python3-numpy python3-torch): "
          + lastLines(probe.output(), 1);
    }
    return null;
  }

  static String lastLines(String text, int count) {
    String[] lines = text.strip().split("\n");
    return String.join(" | ", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - count), lines.length));
  }
}
