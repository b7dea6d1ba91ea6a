package org.blurnative.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.blurnative.io.Directories;
import org.blurnative.model.HostArrays;
import org.blurnative.model.SafeTensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replicated BLUR-NPO over c10d/Gloo on 127.0.0.1, every rank a JVM of the test classpath: world
 * sizes 2 and 3 end on the one-process θ, every rank with the same bits; a rank killed with -9
 * stops the other within the timeout; a rank started with another option is refused at start.
 */
class DistributedTrainingTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  static Path model;
  static Path forget;
  static Path retain;

  @BeforeAll
  static void tinyTargetModel() throws Exception {
    FinetunedModels.Target target = FinetunedModels.tiny(dir);
    model = target.model();
    forget = target.forget();
    retain = target.retain();
  }

  /** BLUR-NPO, batches of 6 in 6 micro-batches: rank k of W takes k, k+W, ...; 6 steps of AdamW. */
  static List<String> trainArgs(Path out, String... extra) {
    List<String> args = new ArrayList<>(List.of("train", "--model", model.toString(), "--forget",
        forget.toString(), "--retain", retain.toString(), "--out", out.toString(), "--max-steps", "6",
        "--batch", "6", "--micro-batch", "6", "--lr", "1e-3", "--max-length", "64", "--dist-timeout", "20s"));
    args.addAll(List.of(extra));
    return args;
  }

  /**
   * θ after W ranks equals θ after one process to 1e-6 relative (measured: about 1e-8), in both
   * modes; it is not the same bits because the gradient is summed in another order: one process
   * accumulates the micro-batches 0+1+…+5 into one buffer, rank k accumulates its own, and Gloo
   * adds the ranks' buffers in an order of its own; (d, F, R) are then reduced over the ranks'
   * shards and added in rank order, another association again. What must be the same bits is
   * every rank's θ and every step's losses and (d, F, R): all ranks add the same gathered values
   * in rank order, and Gloo gives every rank the sum that one rank computed. Each rank prints
   * digests of both, which the ranks compare themselves (a difference fails the run) and this
   * test compares. Two ranks end on the same bits in both modes: each element's sum over the
   * ranks is one addition of two numbers, whichever collective does it, and the fused AdamW on a
   * shard computes each element as it does on all of θ.
   */
  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void ranksEndOnTheOneProcessThetaWithIdenticalSumsInBothModes() throws Exception {
    Path one = dir.resolve("one");
    CommandRunner.Result single = CommandRunner.run(trainArgs(one).toArray(String[]::new));
    assertEquals(0, single.exit(), single.err());
    for (int world : new int[] {2, 3}) {
      for (String mode : List.of("replicated", "sharded")) {
        Path out = dir.resolve(mode + "-" + world);
        List<String> args = trainArgs(out, "--nproc", String.valueOf(world), "--dist-mode", mode);
        CommandRunner.Result r = CommandRunner.run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.out() + r.err());

        Map<Integer, String> digests = replicaDigests(r.out());
        System.out.println(mode + ", world size " + world + ": " + digests);
        assertEquals(world, digests.size(), r.out());
        assertEquals(1, digests.values().stream().distinct().count(), "every rank holds the same bits: " + digests);

        JsonNode run = JSON.readTree(out.resolve("run.json").toFile());
        assertEquals(world, run.path("world_size").asInt());
        assertEquals(mode, run.path("dist_mode").asText());
        assertEquals(6, run.path("effective_batch").asInt());
        assertEquals(world == 2 ? "[[0,2,4],[1,3,5]]" : "[[0,3],[1,4],[2,5]]", run.path("micro_batches_by_rank").toString());
        assertTrue(r.err().contains("[rank 0] train blur-npo"), "rank 0 shows progress");
        assertTrue(!r.err().contains("[rank 1] train blur-npo"), "only rank 0 shows progress");
        JsonNode manifest = JSON.readTree(out.resolve("checkpoints/step-00000006/manifest.json").toFile());
        assertEquals(mode.equals("sharded") ? world : 1, manifest.path("optimizer").size(), manifest.toString());

        double relative = relativeDifference(one.resolve("model/model.safetensors"), out.resolve("model/model.safetensors"));
        System.out.println(mode + ", world size " + world + ": ‖θ_W − θ_1‖ / ‖θ_1‖ = " + relative);
        assertTrue(relative < 1e-6, "θ of " + world + " ranks against one process: " + relative);
        assertMetricsClose(one, out, 1e-6);
      }
      byte[] replicated = Files.readAllBytes(dir.resolve("replicated-" + world + "/model/model.safetensors"));
      byte[] sharded = Files.readAllBytes(dir.resolve("sharded-" + world + "/model/model.safetensors"));
      System.out.println("world size " + world + ": sharded θ " + (Arrays.equals(replicated, sharded) ? "is" : "is not")
          + " the replicated θ bit for bit; relative difference " + relativeDifference(
              dir.resolve("replicated-" + world + "/model/model.safetensors"),
              dir.resolve("sharded-" + world + "/model/model.safetensors")));
      if (world == 2) {
        assertArrayEquals(replicated, sharded, "two ranks: one addition per element in either mode");
      }
    }
  }

  /** Every row's losses and (d, F, R) of {@code b}'s metrics within {@code relative} of {@code a}'s. */
  static void assertMetricsClose(Path a, Path b, double relative) throws IOException {
    List<String> aRows = Files.readAllLines(a.resolve("metrics.jsonl"));
    List<String> bRows = Files.readAllLines(b.resolve("metrics.jsonl"));
    assertEquals(aRows.size(), bRows.size());
    for (int i = 0; i < bRows.size(); i++) {
      JsonNode x = JSON.readTree(aRows.get(i)), y = JSON.readTree(bRows.get(i));
      for (String key : List.of("forget_loss", "retain_loss", "d", "F", "R")) {
        double p = x.path(key).asDouble(), q = y.path(key).asDouble();
        assertEquals(p, q, relative * Math.abs(p), key + " at step " + (i + 1));
      }
    }
  }

  /**
   * A sharded run stopped after 3 of 6 steps and resumed with the same world size ends on the
   * uninterrupted run's bits; resumed with 3 ranks or one process instead, the optimizer shards
   * are resharded and it ends within rounding of it (the global batch does not depend on the
   * world size), each change recorded in run.json; a finished sharded run resumed by one process
   * exports a Hugging Face model whose weights, and so logits, are the replicated run's, bit for bit
   * (two ranks: see above).
   */
  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void aShardedCheckpointResumesBitIdenticallyOrReshardedForAnotherWorld() throws Exception {
    Path whole = dir.resolve("sharded-whole");
    assertEquals(0, run(trainArgs(whole, "--nproc", "2", "--dist-mode", "sharded")).exit());
    Path half = dir.resolve("sharded-half");
    CommandRunner.Result first = run(trainArgs(half, "--nproc", "2", "--dist-mode", "sharded", "--max-steps", "3"));
    assertEquals(0, first.exit(), first.out() + first.err());
    for (String copy : List.of("again-2", "as-3", "as-1")) {
      copyTree(half, dir.resolve("sharded-" + copy));
    }

    Path again = dir.resolve("sharded-again-2");
    CommandRunner.Result resumed = run(trainArgs(again, "--nproc", "2", "--dist-mode", "sharded", "--resume"));
    assertEquals(0, resumed.exit(), resumed.out() + resumed.err());
    assertArrayEquals(Files.readAllBytes(whole.resolve("model/model.safetensors")),
        Files.readAllBytes(again.resolve("model/model.safetensors")), "same world size: θ bit for bit");
    for (String file : List.of("optimizer-00000-of-00002.pt", "optimizer-00001-of-00002.pt", "theta.safetensors")) {
      Path last = Path.of("checkpoints/step-00000006", file);
      assertArrayEquals(Files.readAllBytes(whole.resolve(last)), Files.readAllBytes(again.resolve(last)), last.toString());
    }

    Path three = dir.resolve("sharded-as-3");
    CommandRunner.Result asThree = run(trainArgs(three, "--nproc", "3", "--dist-mode", "sharded", "--resume"));
    assertEquals(0, asThree.exit(), asThree.out() + asThree.err());
    Path one = dir.resolve("sharded-as-1");
    CommandRunner.Result asOne = run(trainArgs(one, "--resume"));
    assertEquals(0, asOne.exit(), asOne.out() + asOne.err());
    for (Path resharded : List.of(three, one)) {
      double relative = relativeDifference(whole.resolve("model/model.safetensors"), resharded.resolve("model/model.safetensors"));
      System.out.println(resharded.getFileName() + ": ‖θ − θ_uninterrupted‖ / ‖θ_uninterrupted‖ = " + relative);
      assertTrue(relative < 1e-6, resharded + ": " + relative);
      assertMetricsClose(whole, resharded, 1e-6);
    }
    JsonNode resumes = JSON.readTree(three.resolve("run.json").toFile()).path("resumes");
    assertEquals(3, resumes.get(0).path("from_step").asInt(), resumes.toString());
    assertTrue(resumes.toString().contains("world_size"), resumes.toString());
    JsonNode manifest = JSON.readTree(three.resolve("checkpoints/step-00000006/manifest.json").toFile());
    assertEquals(3, manifest.path("optimizer").size(), manifest.toString());

    Path exported = dir.resolve("sharded-exported");
    copyTree(whole, exported);
    Directories.deleteTree(exported.resolve("model"));
    CommandRunner.Result export = run(trainArgs(exported, "--resume"));
    assertEquals(0, export.exit(), export.out() + export.err());
    assertArrayEquals(Files.readAllBytes(whole.resolve("model/model.safetensors")),
        Files.readAllBytes(exported.resolve("model/model.safetensors")), "one process exports the sharded θ");
    Path replicated = dir.resolve("replicated-whole");
    assertEquals(0, run(trainArgs(replicated, "--nproc", "2", "--dist-mode", "replicated")).exit());
    assertArrayEquals(Files.readAllBytes(replicated.resolve("model/model.safetensors")),
        Files.readAllBytes(exported.resolve("model/model.safetensors")), "the replicated run's weights");
  }

  private static CommandRunner.Result run(List<String> args) {
    return CommandRunner.run(args.toArray(String[]::new));
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : all.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  private static final Pattern REPLICA = Pattern.compile("\\[rank (\\d+)] rank \\1 of \\d+: (.*)");

  /** What each rank printed of its θ and sums, by rank. */
  static Map<Integer, String> replicaDigests(String out) {
    Map<Integer, String> byRank = new TreeMap<>();
    for (String line : out.lines().toList()) {
      Matcher m = REPLICA.matcher(line);
      if (m.matches()) {
        byRank.put(Integer.parseInt(m.group(1)), m.group(2));
      }
    }
    return byRank;
  }

  /** ‖a − b‖ / ‖a‖ over every tensor of two safetensors files. */
  static double relativeDifference(Path a, Path b) throws IOException {
    try (PointerScope scope = new PointerScope()) {
      Map<String, Tensor> x = SafeTensors.readAll(a), y = SafeTensors.readAll(b);
      assertEquals(x.keySet(), y.keySet());
      double diff = 0, norm = 0;
      for (String name : x.keySet()) {
        float[] p = HostArrays.toFloats(x.get(name)), q = HostArrays.toFloats(y.get(name));
        for (int i = 0; i < p.length; i++) {
          diff += ((double) p[i] - q[i]) * ((double) p[i] - q[i]);
          norm += (double) p[i] * p[i];
        }
      }
      return Math.sqrt(diff / norm);
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void aRankKilledMidRunStopsTheOtherWithinTheTimeout() throws Exception {
    int port = freePort();
    Path out = dir.resolve("killed");
    List<String> args = trainArgs(out, "--max-steps", "100000", "--dist-timeout", "5s");
    Process rank0 = startRank(0, 2, port, args, dir.resolve("killed-0.log"));
    Process rank1 = startRank(1, 2, port, args, dir.resolve("killed-1.log"));
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!hasRows(out.resolve("metrics.jsonl")) && rank0.isAlive() && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(50);
      }
      assertTrue(hasRows(out.resolve("metrics.jsonl")), Files.readString(dir.resolve("killed-0.log")));
      rank1.destroyForcibly();  // SIGKILL, mid-run
      long killed = System.nanoTime();
      // the timeout, then up to 4 s of listening for heartbeats to name the rank, then the exit
      assertTrue(rank0.waitFor(5 + 10, TimeUnit.SECONDS), "rank 0 still runs 15 s after rank 1 was killed");
      double seconds = (System.nanoTime() - killed) / 1e9;
      String log = Files.readString(dir.resolve("killed-0.log"));
      System.out.printf("rank 0 stopped %.1f s after rank 1 was killed: %s%n", seconds, lastLine(log));
      assertEquals(3, rank0.exitValue(), log);
      assertTrue(lastLine(log).startsWith("blur-native train: rank 1 is gone (no heartbeat) during "), log);
    } finally {
      rank0.destroyForcibly();
      rank1.destroyForcibly();
    }
  }

  /**
   * kill -9 of rank 1 of a sharded run: rank 0 stops within the timeout, naming it; both resumed
   * from the last complete checkpoint end on the uninterrupted run's bits.
   */
  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void aShardedRunKilledMidRunResumesToTheUninterruptedTheta() throws Exception {
    String[] sharded = {"--max-steps", "60", "--checkpoint-every", "5", "--dist-mode", "sharded", "--dist-timeout", "5s"};
    Path whole = dir.resolve("killed-sharded-whole");
    CommandRunner.Result uninterrupted = run(trainArgs(whole, concat(sharded, "--nproc", "2")));
    assertEquals(0, uninterrupted.exit(), uninterrupted.out() + uninterrupted.err());

    int port = freePort();
    Path out = dir.resolve("killed-sharded");
    List<String> args = trainArgs(out, sharded);
    Process rank0 = startRank(0, 2, port, args, dir.resolve("killed-sharded-0.log"));
    Process rank1 = startRank(1, 2, port, args, dir.resolve("killed-sharded-1.log"));
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (rows(out.resolve("metrics.jsonl")) < 12 && rank0.isAlive() && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(20);
      }
      assertTrue(rank0.isAlive() && rows(out.resolve("metrics.jsonl")) >= 12, Files.readString(dir.resolve("killed-sharded-0.log")));
      rank1.destroyForcibly();
      assertTrue(rank0.waitFor(5 + 10, TimeUnit.SECONDS), "rank 0 still runs 15 s after rank 1 was killed");
      String log = Files.readString(dir.resolve("killed-sharded-0.log"));
      assertEquals(3, rank0.exitValue(), log);
      assertTrue(lastLine(log).startsWith("blur-native train: rank 1 is gone (no heartbeat) during "), log);
    } finally {
      rank0.destroyForcibly();
      rank1.destroyForcibly();
    }
    long stoppedAt = rows(out.resolve("metrics.jsonl"));
    CommandRunner.Result resumed = run(trainArgs(out, concat(sharded, "--nproc", "2", "--resume")));
    assertEquals(0, resumed.exit(), resumed.out() + resumed.err());
    System.out.println("sharded run killed after " + stoppedAt + " steps, resumed from step "
        + JSON.readTree(out.resolve("run.json").toFile()).path("resumes").get(0).path("from_step").asInt());
    assertArrayEquals(Files.readAllBytes(whole.resolve("model/model.safetensors")),
        Files.readAllBytes(out.resolve("model/model.safetensors")), "θ after the kill and resume, bit for bit");
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  private static long rows(Path metrics) throws IOException {
    if (!Files.exists(metrics)) {
      return 0;
    }
    try (Stream<String> lines = Files.lines(metrics)) {
      return lines.count();
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void aRankStartedWithAnotherOptionIsRefusedInOneLine() throws Exception {
    int port = freePort();
    Process rank0 = startRank(0, 2, port, trainArgs(dir.resolve("unlike-0")), dir.resolve("unlike-0.log"));
    Process rank1 = startRank(1, 2, port, trainArgs(dir.resolve("unlike-1"), "--beta", "0.2"), dir.resolve("unlike-1.log"));
    for (Process p : List.of(rank0, rank1)) {
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "a rank did not stop within 60 s");
    }
    for (int rank = 0; rank < 2; rank++) {
      String log = Files.readString(dir.resolve("unlike-" + rank + ".log"));
      assertEquals(2, (rank == 0 ? rank0 : rank1).exitValue(), log);
      assertEquals("blur-native train: rank 1 was started unlike rank 0 (config.parameters.beta: rank 0 has 0.1,"
          + " rank 1 0.2): start every rank with the same command and inputs", lastLine(log), log);
    }
    assertTrue(!Files.exists(dir.resolve("unlike-0/run.json")), "nothing was written");
  }

  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void aPortInUseIsOneLine() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      Process rank0 = startRank(0, 2, taken.getLocalPort(), trainArgs(dir.resolve("port")), dir.resolve("port.log"));
      assertTrue(rank0.waitFor(45, TimeUnit.SECONDS));
      String log = Files.readString(dir.resolve("port.log"));
      assertEquals(2, rank0.exitValue(), log);
      assertEquals("blur-native train: MASTER_PORT " + taken.getLocalPort()
          + " is in use on this machine: choose another port, or stop what holds it", lastLine(log), log);
      assertEquals(1, log.strip().lines().count(), log);
    }
  }

  @Test
  void moreRanksThanMicroBatchesAreRefusedBeforeAnyStarts() {
    CommandRunner.Result r = CommandRunner.run(trainArgs(dir.resolve("too-many"), "--nproc", "7").toArray(String[]::new));
    assertEquals(2, r.exit());
    assertEquals("blur-native train: a world of 7 ranks needs --micro-batch 7 or more (rank k takes micro-batches"
        + " k, k+7, ... of each batch), got 6", r.err().strip());
  }

  /**
   * Two "machines" on this one: two network namespaces joined by a veth pair, one rank in each,
   * MASTER_ADDR the other namespace's address and Gloo on the veth interface (GLOO_SOCKET_IFNAME),
   * so no byte of the run crosses the loopback interface. They end on the one-process θ, with
   * the same bits on both, and rank 0's store listens on MASTER_ADDR's address only. Making namespaces needs root and iproute2; elsewhere the test says why
   * it did not run.
   */
  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void twoHostsInNetworkNamespacesTrainTogether() throws Exception {
    String tag = Long.toString(ProcessHandle.current().pid() % 100_000);
    List<String> namespaces = List.of("blur" + tag + "a", "blur" + tag + "b");
    List<String> interfaces = List.of("vb" + tag + "a", "vb" + tag + "b");
    List<String> addresses = List.of("10.231.7.1", "10.231.7.2");
    String cannot = NetworkNamespaces.create(namespaces, interfaces, addresses);
    if (cannot != null) {
      System.out.println("twoHostsInNetworkNamespacesTrainTogether did not run: " + cannot);
      Assumptions.abort(cannot);
    }
    try {
      Path one = dir.resolve("hosts-one");
      assertEquals(0, run(trainArgs(one)).exit());
      Path out = dir.resolve("hosts");
      List<Process> ranks = new ArrayList<>();
      for (int rank = 0; rank < 2; rank++) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespaces.get(rank)));
        command.addAll(javaCommand(trainArgs(out, "--dist-mode", "sharded")));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(dir.resolve("hosts-" + rank + ".log").toFile());
        builder.environment().putAll(Map.of("RANK", String.valueOf(rank), "WORLD_SIZE", "2", "LOCAL_WORLD_SIZE", "1",
            "MASTER_ADDR", addresses.get(0), "MASTER_PORT", "29500", "GLOO_SOCKET_IFNAME", interfaces.get(rank)));
        ranks.add(builder.start());
      }
      String listening = NetworkNamespaces.listeners(namespaces.get(0), 29500, Duration.ofSeconds(60));
      System.out.println("rank 0's store: " + listening);
      // Java's sockets are dual-stack: ss shows the address as [::ffff:10.231.7.1]
      assertTrue(listening.contains(addresses.get(0) + ":29500") || listening.contains(addresses.get(0) + "]:29500"),
          "bound to MASTER_ADDR: " + listening);
      assertTrue(!listening.matches("(?s).*(0\\.0\\.0\\.0|\\*|\\[::]):29500.*"), "on no other interface: " + listening);
      for (int rank = 0; rank < 2; rank++) {
        Process p = ranks.get(rank);
        boolean done = p.waitFor(90, TimeUnit.SECONDS);
        p.destroyForcibly();
        String log = Files.readString(dir.resolve("hosts-" + rank + ".log"));
        assertTrue(done, "rank " + rank + " did not finish within 90 s: " + log);
        assertEquals(0, p.exitValue(), log);  // each namespace has its own network stack: only the veth joins them
      }
      String digest0 = Files.readString(dir.resolve("hosts-0.log")).lines().filter(l -> l.startsWith("rank 0 of 2: ")).findFirst().orElseThrow();
      String digest1 = Files.readString(dir.resolve("hosts-1.log")).lines().filter(l -> l.startsWith("rank 1 of 2: ")).findFirst().orElseThrow();
      assertEquals(digest0.substring("rank 0 of 2: ".length()), digest1.substring("rank 1 of 2: ".length()));
      double relative = relativeDifference(one.resolve("model/model.safetensors"), out.resolve("model/model.safetensors"));
      System.out.println("two hosts in network namespaces: ‖θ − θ_1‖ / ‖θ_1‖ = " + relative);
      assertTrue(relative < 1e-6, "two hosts against one process: " + relative);
    } finally {
      NetworkNamespaces.delete(namespaces);
    }
  }

  /** This test JVM's java, options and classpath, running Main with {@code args}. */
  static List<String> javaCommand(List<String> args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(args);
    return command;
  }

  /** One rank as torchrun would start it: this test's JVM and classpath, its variables set. */
  static Process startRank(int rank, int world, int port, List<String> args, Path log) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(javaCommand(args)).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(Map.of("RANK", String.valueOf(rank), "WORLD_SIZE", String.valueOf(world),
        "LOCAL_WORLD_SIZE", String.valueOf(world), "MASTER_ADDR", "127.0.0.1", "MASTER_PORT", String.valueOf(port)));
    return builder.start();
  }

  static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }

  static boolean hasRows(Path metrics) throws IOException {
    return Files.exists(metrics) && Files.size(metrics) > 0;
  }

  /** The last line that is not c10d's or Gloo's own notice, nor a progress bar's redraw. */
  static String lastLine(String log) {
    List<String> lines = log.lines().map(l -> l.substring(l.lastIndexOf('\r') + 1).strip())
        .filter(l -> !l.isEmpty() && !l.startsWith("[Gloo]")).toList();
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
  }
}
