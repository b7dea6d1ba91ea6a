package org.blurnative.dist;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code --nproc N}: a run of N ranks on this machine, each a child JVM of this program (same
 * classpath, JVM options and arguments, less --nproc) with torchrun's variables set and the
 * rendezvous on 127.0.0.1 at a free port. Every line a worker writes comes out prefixed with its
 * rank. The launcher exits with the worst worker's exit code.
 */
public final class LocalLauncher {
  /** How long past the workers' own timeout a failed run's last workers get before they are killed. */
  private static final Duration GRACE = Duration.ofSeconds(30);

  private LocalLauncher() {}

  /**
   * Runs {@code mainClass} with {@code args} as {@code nproc} ranks and waits for all of them.
   *
   * @param timeout the workers' --dist-timeout: once one worker failed, the others stop within
   *     it; any still running after it and a grace period are killed
   * @return the highest exit code of the workers
   */
  public static int run(int nproc, String mainClass, List<String> args, Duration timeout, PrintWriter out,
      PrintWriter err) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(args);
    int port = freePort();

    List<Process> workers = new ArrayList<>();
    List<Thread> copiers = new ArrayList<>();
    Thread killer = new Thread(() -> workers.forEach(Process::destroyForcibly), "blur-launcher-exit");
    Runtime.getRuntime().addShutdownHook(killer);  // the launcher stopped (Ctrl-C): so are its workers
    try {
      for (int rank = 0; rank < nproc; rank++) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(Map.of("RANK", String.valueOf(rank), "WORLD_SIZE", String.valueOf(nproc),
            "LOCAL_RANK", String.valueOf(rank), "LOCAL_WORLD_SIZE", String.valueOf(nproc),
            "MASTER_ADDR", "127.0.0.1", "MASTER_PORT", String.valueOf(port)));
        Process worker = builder.start();
        worker.getOutputStream().close();
        workers.add(worker);
        copiers.add(new PrefixedOutput(worker.getInputStream(), out, rank).start());
        copiers.add(new PrefixedOutput(worker.getErrorStream(), err, rank).start());
      }
      awaitAll(workers, timeout.plus(GRACE), err);
      for (Thread copier : copiers) {
        copier.join(TimeUnit.SECONDS.toMillis(5));
      }
      return workers.stream().mapToInt(Process::exitValue).max().orElse(0);
    } finally {
      workers.forEach(Process::destroyForcibly);
      Runtime.getRuntime().removeShutdownHook(killer);
    }
  }

  /** Waits for every worker; once one has failed, kills those still running after {@code limit}. */
  private static void awaitAll(List<Process> workers, Duration limit, PrintWriter err) throws InterruptedException {
    long deadline = Long.MAX_VALUE;
    while (workers.stream().anyMatch(Process::isAlive)) {
      if (deadline == Long.MAX_VALUE && workers.stream().anyMatch(p -> !p.isAlive() && p.exitValue() != 0)) {
        deadline = System.nanoTime() + limit.toNanos();
      }
      if (System.nanoTime() > deadline) {
        for (int rank = 0; rank < workers.size(); rank++) {
          if (workers.get(rank).isAlive()) {
            synchronized (err) {
              err.println("blur-native: rank " + rank + " had not stopped " + limit.toSeconds()
                  + " s after another rank failed; killing it");
            }
            workers.get(rank).destroyForcibly().waitFor();
          }
        }
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }

  /** A port nobody listens on now; rank 0's store takes it a moment later. */
  private static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }
}
