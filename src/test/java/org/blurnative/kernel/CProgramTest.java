package org.blurnative.kernel;

import static org.bytedeco.pytorch.global.torch.ScalarType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
      for (long n : ReferenceCase.SIZES) {
        cases.add(Arguments.of(dtype, n));
      }
    }
    return cases;
  }

  @ParameterizedTest(name = "{0} n={1}")
  @MethodSource("cases")
  void theCProgramGetsTheJavaReferenceResults(ScalarType dtype, long n) throws Exception {
    ReferenceCase c = ReferenceCase.write(work, dtype, n);
    List<String> command = new ArrayList<>(List.of(referenceClient.toString(), c.dir().toString()));
    command.addAll(c.arguments());
    ChildProcess run = ChildProcess.run(LIMIT, command);
    assertEquals(0, run.exitCode(), c.context() + ": " + run.output());
    c.assertProgramMatches();
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
}
