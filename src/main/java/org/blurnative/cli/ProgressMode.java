package org.blurnative.cli;

import java.util.Locale;

/**
 * How a run shows its progress (--progress): a bar redrawn in place, which only a terminal can
 * show, or plain lines, which read well in a log file or a pipe. {@code auto} picks by where
 * stderr goes.
 */
enum ProgressMode {
  AUTO, BAR, LINES, OFF;

  static ProgressMode parse(String text) {
    for (ProgressMode m : values()) {
      if (m.name().toLowerCase(Locale.ROOT).equals(text.strip().toLowerCase(Locale.ROOT))) {
        return m;
      }
    }
    throw new IllegalArgumentException("--progress must be auto, bar, lines or off, got '" + text + "'");
  }

  /** Whether this mode shows a bar when stderr {@code isTerminal} or not (lines otherwise, unless off). */
  boolean showsBar(boolean isTerminal) {
    return this == BAR || (this == AUTO && isTerminal);
  }
}
