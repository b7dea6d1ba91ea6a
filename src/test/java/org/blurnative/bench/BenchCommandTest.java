package org.blurnative.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;
import org.blurnative.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `blur-native bench` end to end on a tiny sweep, in-process. No timing is asserted. */
class BenchCommandTest {

  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  private record Run(int exitCode, String out, String err) {}

  private static Run bench(String... args) {
    CommandLine cli = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    String[] full = new String[args.length + 1];
    full[0] = "bench";
    System.arraycopy(args, 0, full, 1, args.length);
    int code = cli.execute(full);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void tinySweepWritesTableJsonAndPng(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("out/bench.json");  // a directory that does not exist yet
    Path png = dir.resolve("out/bench.png");
    Run run = bench("--sizes", "1K,64K", "--runs", "2", "--warmup", "1", "--min-time", "0", "--threads", "1",
        "--json", json.toString(), "--plot", png.toString());
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("per-tensor"), run.out());

    JsonNode report = new ObjectMapper().readTree(json.toFile());
    JsonNode machine = report.get("machine");
    assertTrue(machine.get("cores").asInt() > 0);
    assertFalse(machine.get("cpuModel").asText().isEmpty());
    assertEquals(1, machine.get("blurThreads").asInt());
    assertEquals(1, machine.get("torchThreads").asInt());
    assertEquals(2, report.get("settings").get("runs").asInt());

    Set<String> rows = new HashSet<>();
    for (JsonNode r : report.get("results")) {
      rows.add(r.get("n").asLong() + " " + r.get("backend").asText() + " " + r.get("op").asText());
      assertTrue(r.get("medianMs").asDouble() > 0, r.toString());
      assertTrue(r.get("gbPerSecond").asDouble() > 0, r.toString());
      assertTrue(r.get("bytes").asLong() > 0, r.toString());
      assertTrue(r.get("fractionOfCopy").asDouble() > 0, r.toString());
      assertEquals(2, r.get("runsMs").size(), r.toString());
      if (!r.get("backend").asText().equals("copy")) {
        assertTrue(r.get("speedupVsTorch").asDouble() > 0, r.toString());
        // the per-tensor baseline is float32 only: bf16 rows have no peer there
        boolean mixed = r.get("op").asText().endsWith("bf16") || r.get("op").asText().endsWith("2pass");
        assertEquals(!mixed, r.get("speedupVsPerTensor").isNumber(), r.toString());
      }
    }
    for (long n : new long[] {1024, 65_536}) {
      assertTrue(rows.contains(n + " copy copy"), rows.toString());
      for (String backend : new String[] {"cpu", "torch", "per-tensor"}) {
        assertTrue(rows.contains(n + " " + backend + " reduce"), rows.toString());
        assertTrue(rows.contains(n + " " + backend + " step"), rows.toString());
      }
      for (String backend : new String[] {"cpu", "torch"}) {
        for (String op : new String[] {"reduce-bf16", "step-bf16", "step-bf16-2pass"}) {
          assertTrue(rows.contains(n + " " + backend + " " + op), rows.toString());
        }
      }
    }
    // per n: the copy, cpu and torch with 2 float32 and 3 bf16 ops each, per-tensor with 2
    assertEquals(2 * (1 + 5 + 5 + 2), report.get("results").size());

    byte[] bytes = Files.readAllBytes(png);
    assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(bytes, PNG_SIGNATURE.length));
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
    assertNotNull(image);
    assertTrue(image.getWidth() > 0 && image.getHeight() > 0);
    try (var files = Files.list(json.getParent())) {
      assertEquals(2, files.count(), "no temporary file may be left behind");
    }
  }

  @Test
  void badSizesExitWithCode2AndNameTheFlag() {
    Run run = bench("--sizes", "1K,12Q");
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("--sizes: '12Q' is not a size"), run.err());
  }

  @Test
  void aDirectoryAsAnOutputFileIsRefusedBeforeTheSweep(@TempDir Path dir) {
    Run run = bench("--sizes", "1K", "--backends", "cpu", "--json", dir.toString());
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("--json " + dir + " is a directory, not a file"), run.err());
  }

  @Test
  void deviceChoosesTheLanes() {
    Run cpu = bench("--sizes", "1K", "--backends", "cpu,cuda", "--device", "cpu", "--runs", "1", "--warmup", "0",
        "--min-time", "0");
    assertEquals(0, cpu.exitCode(), cpu.err());
    assertTrue(!cpu.out().contains("cuda"), "--device cpu runs no GPU lane, nor says it skipped one: " + cpu.out());
    if (!org.bytedeco.pytorch.global.torch.cuda_is_available()) {
      Run cuda = bench("--sizes", "1K", "--device", "cuda");
      assertEquals(2, cuda.exitCode(), cuda.err());
      assertTrue(cuda.err().strip().startsWith("blur-native bench: --device cuda: backend cuda"), cuda.err());
      assertEquals(1, cuda.err().strip().lines().count(), cuda.err());
    }
    Run bad = bench("--sizes", "1K", "--device", "gpu");
    assertEquals(2, bad.exitCode());
    assertTrue(bad.err().contains("--device must be all, cpu or cuda, got 'gpu'"), bad.err());
  }

  @Test
  void unknownBackendExitsWithCode2() {
    Run run = bench("--sizes", "1K", "--backends", "cpu,tpu");
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("--backends: unknown backend 'tpu'"), run.err());
  }

  @Test
  void sizesTooSmallForThePerTensorBaselineExitWithCode2() {
    Run run = bench("--sizes", "100");
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("--sizes: the per-tensor baseline needs n >= 291"), run.err());
  }
}
