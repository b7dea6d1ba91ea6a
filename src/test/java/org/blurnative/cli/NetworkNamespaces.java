package org.blurnative.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Two network namespaces joined by a veth pair: two hosts on one machine for a distributed test.
 * Only the addresses given (a private /30 inside the namespaces) are ever used.
 */
final class NetworkNamespaces {
  private NetworkNamespaces() {}

  /**
   * Creates namespaces {@code names}, a veth pair {@code interfaces} with one end in each, the
   * {@code addresses} on them (a /30) and both loopbacks up. Returns why it could not (not root,
   * no iproute2, no namespaces in this container), or null once all is up.
   */
  static String create(List<String> names, List<String> interfaces, List<String> addresses) {
    if (!"root".equals(System.getProperty("user.name"))) {
      return "creating network namespaces needs root";
    }
    List<List<String>> steps = new ArrayList<>();
    for (String name : names) {
      steps.add(List.of("ip", "netns", "add", name));
    }
    steps.add(List.of("ip", "link", "add", interfaces.get(0), "type", "veth", "peer", "name", interfaces.get(1)));
    for (int i = 0; i < 2; i++) {
      steps.add(List.of("ip", "link", "set", interfaces.get(i), "netns", names.get(i)));
      steps.add(List.of("ip", "-n", names.get(i), "addr", "add", addresses.get(i) + "/30", "dev", interfaces.get(i)));
      steps.add(List.of("ip", "-n", names.get(i), "link", "set", interfaces.get(i), "up"));
      steps.add(List.of("ip", "-n", names.get(i), "link", "set", "lo", "up"));
    }
    for (List<String> step : steps) {
      String failed = run(step);
      if (failed != null) {
        delete(names);
        return failed;
      }
    }
    return null;
  }

  /** Removes the namespaces (and with them the veth pair); what is not there is ignored. */
  static void delete(List<String> names) {
    for (String name : names) {
      run(List.of("ip", "netns", "delete", name));
    }
  }

  /**
   * The TCP listeners on {@code port} inside namespace {@code name} (ss's lines), once there is one
   * or {@code within} has passed (then empty).
   */
  static String listeners(String name, int port, Duration within) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + within.toNanos();
    do {
      Process p = new ProcessBuilder("ip", "netns", "exec", name, "ss", "-ltnH").redirectErrorStream(true).start();
      String lines = new String(p.getInputStream().readAllBytes()).lines().filter(l -> l.contains(":" + port + " "))
          .collect(java.util.stream.Collectors.joining("\n"));
      p.waitFor(10, TimeUnit.SECONDS);
      if (!lines.isEmpty()) {
        return lines;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    } while (System.nanoTime() < deadline);
    return "";
  }

  /** Runs one command; null when it succeeded, else what it said. */
  private static String run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return String.join(" ", command) + " did not finish within 20 s";
      }
      String said = new String(p.getInputStream().readAllBytes()).strip();
      return p.exitValue() == 0 ? null : String.join(" ", command) + " failed: " + said;
    } catch (IOException e) {
      return "cannot run " + command.get(0) + " (" + e.getMessage() + "): install iproute2";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}
