package org.blurnative.eval;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.blurnative.eval.stats.Quantiles;
import org.blurnative.train.StepMetrics;
import org.blurnative.update.BlurRule;
import org.blurnative.update.SwappedBlurRule;
import org.blurnative.update.UpdateRule;

/**
 * How much the projection mattered in a two-objective run, from its per-step (d, F, R, c_f, c_r):
 * a table of quantiles and one sentence that reads them. For BLUR the question is the size of the
 * correction c_f − γ = −d/F next to γ (DESIGN.md §1): when the forget gradient is much longer
 * than the retain gradient the correction is small, and BLUR's u is nearly the weighted sum
 * γ·∇f + ∇r. For the other rules it is the effective λ = c_r/c_f and how long the retain term
 * c_r·∇r is next to the forget term c_f·∇f.
 */
public final class ProjectionSummary {
  private ProjectionSummary() {}

  /**
   * The markdown section, over the steps that were applied with both gradients nonzero; empty
   * when there are none. {@code method} is the method's name (blur-npo), for the reading.
   */
  public static String markdown(List<StepMetrics> steps, UpdateRule rule, String method) {
    List<StepMetrics> used = steps.stream().filter(m -> !m.skipped() && m.d() != null && m.ff() != null
        && m.rr() != null && m.ff() > 0 && m.rr() > 0 && m.cf() != null && m.cr() != null).toList();
    if (used.isEmpty()) {
      return "";
    }
    Quantiles ratio = of(used, m -> m.ff() / m.rr());
    Quantiles cos = of(used, m -> m.d() / Math.sqrt(m.ff() * m.rr()));
    StringBuilder md = new StringBuilder("## How much the projection mattered\n\n");
    md.append("Over the ").append(used.size()).append(" steps with both gradients (of ").append(steps.size())
        .append("); quantiles interpolate linearly between the sorted steps.\n\n")
        .append("| quantity | min | 10% | median | 90% | max |\n|---|---|---|---|---|---|\n");
    String reading;
    if (rule instanceof BlurRule blur) {
      Quantiles correction = of(used, m -> -m.d() / m.ff());
      row(md, "c_f − γ = −d/F", correction);
      row(md, "cos(∇f, ∇r)", cos);
      row(md, "F/R", ratio);
      reading = blurReading(ratio, cos, of(used, m -> Math.abs(m.d() / m.ff())), blur.gamma(), "−d/F",
          "γ·∇f + ∇r", method);
    } else if (rule instanceof SwappedBlurRule swapped) {
      Quantiles correction = of(used, m -> -m.d() / m.rr());
      row(md, "c_r − γ = −d/R", correction);
      row(md, "cos(∇f, ∇r)", cos);
      row(md, "F/R", ratio);
      reading = blurReading(ratio, cos, of(used, m -> Math.abs(m.d() / m.rr())), swapped.gamma(), "−d/R",
          "∇f + γ·∇r", method);
    } else {
      List<StepMetrics> weighted = used.stream().filter(m -> m.cf() != 0).toList();
      if (weighted.isEmpty()) {
        return "";
      }
      Quantiles lambda = of(weighted, m -> m.cr() / m.cf());
      // |c_r|·‖∇r‖ / (|c_f|·‖∇f‖): how long the retain term is next to the forget term
      Quantiles terms = of(weighted, m -> Math.abs(m.cr() / m.cf()) * Math.sqrt(m.rr() / m.ff()));
      row(md, "effective λ = c_r/c_f", lambda);
      row(md, "cos(∇f, ∇r)", cos);
      row(md, "F/R", ratio);
      row(md, "‖c_r·∇r‖ / ‖c_f·∇f‖", terms);
      reading = weightedReading(ratio, lambda, terms);
    }
    return md.append('\n').append(reading).append('\n').toString();
  }

  private static String blurReading(Quantiles ratio, Quantiles cos, Quantiles size, double gamma, String name,
      String weightedSum, String method) {
    String sentence = sizes(ratio) + " and cos(∇f, ∇r) has median " + num(cos.median()) + ", so BLUR's correction "
        + name + " is ";
    if (gamma == 0) {  // nothing to compare it with: say its size
      return sentence + range(size.p10(), size.p90()) + " in size (median " + num(size.median()) + ").";
    }
    double g = Math.abs(gamma);
    sentence += range(100 * size.p10() / g, 100 * size.p90() / g) + "% of γ (median "
        + num(100 * size.median() / g) + "%)";
    if (size.p90() / g <= 0.05) {  // "a few percent": c_f stays within 5% of γ on 90% of the steps
      return sentence + ": the projection barely moves u from " + weightedSum + ", so " + likeItsBaseline(method, gamma)
          + ".";
    }
    if (size.median() / g > 0.5) {
      return sentence + ": the projection changes u substantially, away from " + weightedSum + ".";
    }
    return sentence + ": a noticeable but minor correction to " + weightedSum + ".";
  }

  /** "BLUR-NPO ≈ NPO", with the weight BLUR's u is nearly (γ·∇f + ∇r ∝ ∇f + ∇r/γ). */
  private static String likeItsBaseline(String method, double gamma) {
    String lambda = gamma == 1 ? "" : " with λ = " + num(1 / gamma);
    if (method.startsWith("blur-")) {
      return method.toUpperCase(Locale.ROOT) + " ≈ " + method.substring(5).toUpperCase(Locale.ROOT) + lambda;
    }
    return "BLUR ≈ its weighted-sum baseline" + lambda;
  }

  private static String weightedReading(Quantiles ratio, Quantiles lambda, Quantiles terms) {
    String lambdas = lambda.min() == lambda.max() ? "The effective λ = c_r/c_f is " + num(lambda.min())
        : "The effective λ = c_r/c_f is " + range(lambda.p10(), lambda.p90()) + " (median "
            + num(lambda.median()) + ")";
    String sentence = lambdas + " and " + decapitalised(sizes(ratio)) + ", so the retain term c_r·∇r is "
        + range(terms.p10(), terms.p90()) + "× as long as the forget term c_f·∇f (median "
        + num(terms.median()) + ")";
    if (terms.median() < 0.1) {
      return sentence + ": the update is almost pure forgetting, the retain set barely steers it.";
    }
    if (terms.median() > 10) {
      return sentence + ": the retain term dominates the update.";
    }
    return sentence + ": both terms shape the update.";
  }

  /** Which gradient is longer in squared norm and by how much, over 10%–90% of the steps. */
  private static String sizes(Quantiles ratio) {
    String range = " (F/R, 10%–90% of steps)";
    if (ratio.p10() >= 1) {
      return "The forget gradient is " + range(ratio.p10(), ratio.p90())
          + "× larger in squared norm than the retain gradient" + range;
    }
    if (ratio.p90() <= 1) {
      return "The retain gradient is " + range(1 / ratio.p90(), 1 / ratio.p10())
          + "× larger in squared norm than the forget gradient" + range;
    }
    return "F/R, the forget gradient's squared norm over the retain gradient's, is " + range(ratio.p10(), ratio.p90())
        + " (10%–90% of steps)";
  }

  private static String decapitalised(String s) {
    return s.startsWith("F/R") ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }

  private static Quantiles of(List<StepMetrics> steps, ToDoubleFunction<StepMetrics> value) {
    return Quantiles.of(steps.stream().mapToDouble(value).toArray());
  }

  private static void row(StringBuilder md, String name, Quantiles q) {
    List<String> cells = new ArrayList<>(List.of(name));
    for (double x : new double[] {q.min(), q.p10(), q.median(), q.p90(), q.max()}) {
      cells.add(num(x));
    }
    md.append("| ").append(String.join(" | ", cells)).append(" |\n");
  }

  /** Three significant digits, without an exponent for everyday sizes. */
  static String num(double x) {
    double a = Math.abs(x);
    if (x == 0 || (a >= 1e-3 && a < 1e5)) {
      return new BigDecimal(x).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }
    return String.format(Locale.ROOT, "%.2e", x);
  }

  /** "a–b", or one number where the two read alike. */
  private static String range(double from, double to) {
    return num(from).equals(num(to)) ? num(from) : num(from) + "–" + num(to);
  }
}
