package org.blurnative.dist;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;

/**
 * Copies a worker's stream to ours with "[rank k] " before every line. A carriage return ends a
 * line too, so a progress bar that redraws itself in place keeps its prefix on every redraw.
 */
final class PrefixedOutput implements Runnable {
  private final InputStream in;
  private final PrintWriter out;
  private final String prefix;

  PrefixedOutput(InputStream in, PrintWriter out, int rank) {
    this.in = in;
    this.out = out;
    this.prefix = "[rank " + rank + "] ";
  }

  /** Starts copying on a daemon thread of its own. */
  Thread start() {
    Thread t = new Thread(this, "blur-output-" + prefix.strip());
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Override
  public void run() {
    StringBuilder line = new StringBuilder();
    try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      for (int c = reader.read(); c != -1; c = reader.read()) {
        line.append((char) c);
        if (c == '\n' || c == '\r') {
          emit(line);
        }
      }
    } catch (IOException e) {
      // the worker is gone; what it wrote before is out
    }
    if (line.length() > 0) {
      line.append('\n');
      emit(line);
    }
  }

  private void emit(StringBuilder line) {
    synchronized (out) {  // the workers' lines interleave whole
      if (!(line.length() == 1 && line.charAt(0) == '\r')) {  // a bare carriage return starts a redraw
        out.print(prefix);
      }
      out.print(line);
      out.flush();
    }
    line.setLength(0);
  }
}
