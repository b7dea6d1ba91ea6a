package org.blurnative.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.blurnative.train.StepMetrics;
import org.junit.jupiter.api.Test;

/** Where progress goes decides its form: a bar on a terminal, plain lines in a file or a pipe. */
class ProgressOutputTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void stderrIsATerminalOnlyWhenItPointsAtOne() {
    Map<String, String> xterm = Map.of("TERM", "xterm-256color");
    assertTrue(StderrTerminal.isTerminal(xterm, "/dev/pts/3", false), "/proc wins over System.console()");
    assertTrue(StderrTerminal.isTerminal(xterm, "/dev/tty1", false));
    assertFalse(StderrTerminal.isTerminal(xterm, "/home/me/run.log", true), "2>run.log with stdout on a terminal");
    assertFalse(StderrTerminal.isTerminal(xterm, "pipe:[91827]", true), "2>&1 | tee");
    assertFalse(StderrTerminal.isTerminal(Map.of("TERM", "dumb"), "/dev/pts/3", true), "an editor's shell cannot redraw");
    assertTrue(StderrTerminal.isTerminal(xterm, null, true), "no /proc: the JVM's console decides");
    assertFalse(StderrTerminal.isTerminal(xterm, null, false));
  }

  @Test
  void autoShowsABarOnATerminalAndLinesElsewhere() {
    assertTrue(ProgressMode.parse("auto").showsBar(true));
    assertFalse(ProgressMode.parse("auto").showsBar(false));
    assertTrue(ProgressMode.parse("bar").showsBar(false), "asked for: a bar even into a file");
    assertFalse(ProgressMode.parse("LINES").showsBar(true));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProgressMode.parse("fancy"));
    assertEquals("--progress must be auto, bar, lines or off, got 'fancy'", e.getMessage());
  }

  @Test
  void intervalIsStepsOrATime() {
    assertEquals(new ProgressInterval(50, 0), ProgressInterval.parse("50"));
    assertEquals(new ProgressInterval(0, 30), ProgressInterval.parse("30s"));
    assertEquals(new ProgressInterval(0, 300), ProgressInterval.parse("5m"));
    assertEquals(new ProgressInterval(0, 7200), ProgressInterval.parse("2h"));
    for (String bad : new String[] {"0", "0s", "-5", "1.5m", "soon"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProgressInterval.parse(bad));
      assertTrue(e.getMessage().startsWith("--progress-every must be"), e.getMessage());
    }
  }

  @Test
  void linesEveryNStepsPlusTheFirstAndTheLast() {
    StringWriter text = new StringWriter();
    AtomicLong now = new AtomicLong(1000 * SECOND);
    ProgressLines lines = new ProgressLines(new PrintWriter(text), "train blur-npo", 7, new ProgressInterval(3, 0), now::get);
    lines.started(0);
    for (int step = 1; step <= 7; step++) {
      now.addAndGet(2 * SECOND);
      lines.stepped(metrics(step, -0.2));
    }
    String n = System.lineSeparator();
    assertEquals("train blur-npo: step 1/7 (14%), 00:00:02 elapsed, ETA 00:00:12, f=0.6931 r=2.3026 cos=-0.20" + n
        + "train blur-npo: step 3/7 (42%), 00:00:06 elapsed, ETA 00:00:08, f=0.6931 r=2.3026 cos=-0.20" + n
        + "train blur-npo: step 6/7 (85%), 00:00:12 elapsed, ETA 00:00:02, f=0.6931 r=2.3026 cos=-0.20" + n
        + "train blur-npo: step 7/7 (100%), 00:00:14 elapsed, ETA 00:00:00, f=0.6931 r=2.3026 cos=-0.20" + n,
        text.toString());
  }

  @Test
  void linesByTimeCountOnlyAResumedRunsOwnSteps() {
    StringWriter text = new StringWriter();
    AtomicLong now = new AtomicLong(0);
    ProgressLines lines = new ProgressLines(new PrintWriter(text), "finetune", 400, new ProgressInterval(0, 60), now::get);
    lines.started(100);  // resumed after 100 steps
    for (int step = 101; step <= 104; step++) {
      now.addAndGet(40 * SECOND);
      lines.stepped(metrics(step, null));
    }
    String n = System.lineSeparator();
    // 101 is the first line; 102 is 40 s after it, 103 is 80 s: due; 104 only 40 s after 103
    assertEquals("finetune: step 101/400 (25%), 00:00:40 elapsed, ETA 03:19:20, f=0.6931 r=2.3026" + n
        + "finetune: step 103/400 (25%), 00:02:00 elapsed, ETA 03:18:00, f=0.6931 r=2.3026" + n, text.toString());
  }

  private static StepMetrics metrics(long step, Double cos) {
    return new StepMetrics(step, 1, 0.6931, 2.3026, null, null, null, null, null, cos, null, null, null, null,
        1e-5, null, null, 2.0, null, false);
  }
}
