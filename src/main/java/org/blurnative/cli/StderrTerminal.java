package org.blurnative.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Whether this process's stderr is a terminal, the one place a redrawn progress bar reads well.
 * Java cannot ask isatty(2): System.console() answers for stdin and stdout together, so a run
 * with {@code 2>log} would still count as interactive. On Linux /proc/self/fd/2 names where
 * stderr goes; elsewhere System.console() is the best guess.
 */
final class StderrTerminal {
  private static final Path STDERR = Path.of("/proc/self/fd/2");

  private StderrTerminal() {}

  static boolean isTerminal() {
    return isTerminal(System.getenv(), linkTarget(), System.console() != null);
  }

  /**
   * The decision, from what the process can see: TERM=dumb (an editor's shell buffer) cannot
   * redraw; stderr's link target, when /proc has one, is a terminal device or not; without it,
   * whether the JVM has a console.
   */
  static boolean isTerminal(Map<String, String> env, String stderrTarget, boolean hasConsole) {
    if ("dumb".equals(env.get("TERM"))) {
      return false;
    }
    if (stderrTarget != null) {
      return stderrTarget.startsWith("/dev/pts/") || stderrTarget.startsWith("/dev/tty");
    }
    return hasConsole;
  }

  /** Where /proc/self/fd/2 points (a device, a file, "pipe:[…]"), or null where there is no /proc. */
  private static String linkTarget() {
    try {
      return Files.readSymbolicLink(STDERR).toString();
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return null;
    }
  }
}
