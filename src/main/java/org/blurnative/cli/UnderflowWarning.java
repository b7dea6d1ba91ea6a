package org.blurnative.cli;

import java.io.PrintWriter;
import java.util.Locale;
import org.blurnative.kernel.GradientSums;
import org.blurnative.update.Coefficients;
import org.blurnative.update.UpdateRule;

/**
 * A rule that says, once per run and in one line, when a gradient underflowed float32 and the
 * rule set its coefficient to 0 (see {@link Coefficients#forgetUnderflowed}): such a step moves θ
 * along the other gradient alone, and a run where that keeps happening forgets (or keeps) nothing
 * while looking healthy. The rule does not know the step's number, so the line waits for {@link
 * #stepDone}, which the loop's step callback calls.
 */
final class UnderflowWarning implements UpdateRule {
  private final UpdateRule rule;
  private final PrintWriter err;
  private String pending;  // what underflowed in the step under way; null: nothing
  private boolean warned;

  UnderflowWarning(UpdateRule rule, PrintWriter err) {
    this.rule = rule;
    this.err = err;
  }

  @Override
  public Coefficients coefficients(GradientSums s) {
    Coefficients c = rule.coefficients(s);
    if (c.underflowed() && !warned) {
      boolean both = c.forgetUnderflowed() && c.retainUnderflowed();
      String gradients = both ? "the forget and retain gradients"
          : c.forgetUnderflowed() ? "the forget gradient" : "the retain gradient";
      String coefficients = both ? "c_f and c_r" : c.forgetUnderflowed() ? "c_f" : "c_r";
      pending = String.format(Locale.ROOT, "%s underflowed float32 (d = %.3g, F = %.3g, R = %.3g): %s left float32's"
          + " range and was set to 0, so the step ignored %s", gradients, s.dot(), s.ff(), s.rr(),
          coefficients, both ? "both" : "it");
    }
    return c;
  }

  /** After each step: prints the first underflow, at the step it happened in, and no other. */
  void stepDone(long step) {
    if (pending != null) {
      err.println("warning: step " + step + ": " + pending
          + " (said once per run; metrics.jsonl has c_f and c_r of every step)");
      err.flush();
      pending = null;
      warned = true;
    }
  }
}
