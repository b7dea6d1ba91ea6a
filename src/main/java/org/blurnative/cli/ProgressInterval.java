package org.blurnative.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * --progress-every: how often a plain progress line is written, every {@code steps} steps or,
 * when {@code steps} is 0, once {@code seconds} have passed since the last line.
 */
record ProgressInterval(long steps, long seconds) {
  private static final Pattern FORM = Pattern.compile("(\\d{1,9})([smh]?)");

  static ProgressInterval parse(String text) {
    Matcher m = FORM.matcher(text.strip());
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw new IllegalArgumentException("--progress-every must be a number of steps (50) or a time"
          + " (30s, 5m, 1h) above 0, got '" + text + "'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "" -> new ProgressInterval(n, 0);
      case "h" -> new ProgressInterval(0, n * 3600);
      case "m" -> new ProgressInterval(0, n * 60);
      default -> new ProgressInterval(0, n);
    };
  }
}
