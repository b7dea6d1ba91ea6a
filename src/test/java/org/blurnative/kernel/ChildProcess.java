package org.blurnative.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A program the tests start (gcc, a compiled C client, python3), with a hard timeout: a child that
 * hangs is killed, and the test fails saying so instead of hanging the build.
 *
 * @param exitCode the child's exit status
 * @param output stdout and stderr, interleaved as the child wrote them
 */
record ChildProcess(int exitCode, String output) {

  static ChildProcess run(Duration timeout, Map<String, String> environment, List<String> command)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile("child-", ".log");
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(log.toFile());
      builder.environment().putAll(environment);
      Process process = builder.start();
      if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor();
        throw new AssertionError(String.join(" ", command) + " ran past its " + timeout.toSeconds()
            + " s limit and was killed; its output:\n" + Files.readString(log, StandardCharsets.UTF_8));
      }
      return new ChildProcess(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  static ChildProcess run(Duration timeout, List<String> command) throws IOException, InterruptedException {
    return run(timeout, Map.of(), command);
  }

  /** The first executable called {@code name} on the PATH. */
  static Optional<Path> onPath(String name) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
