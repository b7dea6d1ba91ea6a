package org.blurnative.model;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs src/test/resources/model/safetensors_tool.py: an independent reader/writer (stdlib only). */
final class PythonSafeTensors {
  private PythonSafeTensors() {}

  /** The tool's JSON summary of a file or model directory; fails the test on format problems. */
  static JsonNode read(Path path) throws IOException, InterruptedException {
    String out = run("read", path);
    JsonNode summary = new ObjectMapper().readTree(out);
    if (!summary.path("problems").isEmpty()) {
      throw new AssertionError("python found format problems in " + path + ": "
          + summary.get("problems"));
    }
    return summary;
  }

  /** Has Python write its own small file (see write() in the script). */
  static void write(Path file) throws IOException, InterruptedException {
    run("write", file);
  }

  private static String run(String mode, Path path) throws IOException, InterruptedException {
    Path script;
    try {
      script = Path.of(PythonSafeTensors.class.getResource("/model/safetensors_tool.py").toURI());
    } catch (URISyntaxException e) {
      throw new IOException(e);
    }
    Process p;
    try {
      p = new ProcessBuilder(List.of("python3", script.toString(), mode, path.toString()))
          .redirectErrorStream(false).start();
    } catch (IOException e) {
      assumeTrue(false, "python3 is not available: " + e.getMessage());
      throw e;
    }
    byte[] stdout = p.getInputStream().readAllBytes();
    String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("python3 " + mode + " did not finish");
    }
    String out = new String(stdout, StandardCharsets.UTF_8);
    if (p.exitValue() != 0 && !mode.equals("read")) {
      throw new AssertionError("python3 " + mode + " failed: " + stderr);
    }
    if (mode.equals("read") && out.isBlank()) {
      throw new AssertionError("python3 " + mode + " printed nothing: " + stderr);
    }
    return out;
  }
}
