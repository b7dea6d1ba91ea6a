package org.blurnative.compat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.blurnative.loss.BatchMeanNpoLoss;
import org.blurnative.loss.KlLoss;
import org.blurnative.loss.Loss;
import org.blurnative.loss.NpoLoss;
import org.blurnative.loss.RawLogitKlLoss;
import org.blurnative.loss.RawLogitNpoLoss;
import org.blurnative.train.Accumulation;
import org.blurnative.train.Method;
import org.blurnative.train.MethodParameters;
import org.blurnative.train.TrainingSettings;
import org.blurnative.update.RmuAlphaBlurRule;
import org.blurnative.update.UpdateRule;

/**
 * --compat: which of the official BLUR code's {@link Departure}s a run reproduces. Each one
 * replaces one part the trainer is built from (a setting, a loss, the rule), so the trainer has
 * no compatibility branches; with none, every method returns its argument.
 */
public record OfficialCompat(Set<Departure> departures) {

  /** What --compat official, tofu, muse and wmdp stand for, per benchmark's official trainer. */
  private static final Set<Departure> TOFU = EnumSet.of(Departure.LAST_MICRO_BATCH, Departure.UNCLIPPED_U,
      Departure.GAMMA_ONE, Departure.BATCH_MEAN_NPO);
  private static final Set<Departure> MUSE = EnumSet.of(Departure.RAW_LOGIT_NPO, Departure.RAW_LOGIT_KL,
      Departure.UNCLIPPED_U);
  private static final Set<Departure> WMDP = EnumSet.of(Departure.RMU_ALPHA);

  public OfficialCompat {
    departures = departures.isEmpty() ? EnumSet.noneOf(Departure.class) : EnumSet.copyOf(departures);
  }

  /** Exact eq. 14: no departure. */
  public static OfficialCompat none() {
    return new OfficialCompat(Set.of());
  }

  /**
   * The departures {@code value} names for {@code method}: a comma-separated list of departure
   * names and presets (tofu, muse, wmdp: what that benchmark's official trainer does that applies
   * to the method; official: wmdp's for RMU methods, tofu's for the others, whose QA data is
   * TOFU's), or none. A departure named outright that cannot apply to the method is refused.
   */
  public static OfficialCompat parse(String value, Method method, MethodParameters.RetainLoss retainLoss,
      boolean swapLevels) {
    if (value == null || value.equals("none")) {
      return none();
    }
    if (!method.isBlur()) {
      throw new IllegalArgumentException("--compat reproduces the official BLUR code; " + method.label()
          + " is not one of its methods (blur-*)");
    }
    if (swapLevels) {
      throw new IllegalArgumentException("--compat with --swap-levels: the official code's TOFU, MUSE and WMDP"
          + " trainers run the forget-lower BLUR only");
    }
    EnumSet<Departure> chosen = EnumSet.noneOf(Departure.class);
    for (String part : value.split(",", -1)) {
      String name = part.strip();
      Set<Departure> preset = switch (name) {
        case "official" -> method.usesText() ? WMDP : TOFU;
        case "tofu" -> TOFU;
        case "muse" -> MUSE;
        case "wmdp" -> WMDP;
        default -> null;
      };
      if (preset != null) {
        preset.stream().filter(d -> applies(d, method, retainLoss)).forEach(chosen::add);
        continue;
      }
      Departure d = Departure.parse(name);
      if (d == null) {
        throw new IllegalArgumentException("--compat: unknown '" + name + "' (official, tofu, muse, wmdp, none, or"
            + " departures: " + labels(EnumSet.allOf(Departure.class)) + ")");
      }
      if (!applies(d, method, retainLoss)) {
        throw new IllegalArgumentException("--compat " + d.label() + " " + requirement(d) + ", not " + method.label()
            + (d == Departure.RAW_LOGIT_KL ? " with --retain-loss " + retainLoss.name().toLowerCase(Locale.ROOT) : ""));
      }
      chosen.add(d);
    }
    if (chosen.contains(Departure.BATCH_MEAN_NPO) && chosen.contains(Departure.RAW_LOGIT_NPO)) {
      throw new IllegalArgumentException("--compat: batch-mean-npo and raw-logit-npo are two versions of NPO"
          + " (the official TOFU and MUSE code's): give one");
    }
    return new OfficialCompat(chosen);
  }

  private static boolean applies(Departure d, Method method, MethodParameters.RetainLoss retainLoss) {
    return switch (d) {
      case BATCH_MEAN_NPO, RAW_LOGIT_NPO -> method.forget() == Method.ForgetLoss.NPO;
      case RAW_LOGIT_KL -> !method.usesText() && retainLoss == MethodParameters.RetainLoss.KL;
      case RMU_ALPHA -> method.usesText();
      default -> true;
    };
  }

  private static String requirement(Departure d) {
    return switch (d) {
      case BATCH_MEAN_NPO, RAW_LOGIT_NPO -> "applies to blur-npo";
      case RAW_LOGIT_KL -> "applies to a QA method with --retain-loss kl";
      case RMU_ALPHA -> "applies to blur-rmu";
      default -> "applies to every BLUR method";
    };
  }

  public boolean has(Departure d) {
    return departures.contains(d);
  }

  public boolean isExact() {
    return departures.isEmpty();
  }

  /** The departures' names, comma-separated, in declaration order; "none" for exact eq. 14. */
  public String label() {
    return isExact() ? "none" : labels(departures);
  }

  private static String labels(Set<Departure> set) {
    return set.stream().map(Departure::label).collect(Collectors.joining(","));
  }

  /** The lines a run prints, one per departure it reproduces. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    for (Departure d : departures) {
      lines.add("--compat " + d.label() + ": " + d.description());
    }
    return lines;
  }

  /** γ = 1 under gamma-one. */
  public MethodParameters parameters(MethodParameters p) {
    return has(Departure.GAMMA_ONE) ? p.withGamma(1) : p;
  }

  /** No clipping under unclipped-u; the last micro-batch's gradients under last-micro-batch. */
  public TrainingSettings settings(TrainingSettings s) {
    TrainingSettings clipped = has(Departure.UNCLIPPED_U) ? s.withClipNorm(0) : s;
    return has(Departure.LAST_MICRO_BATCH) ? clipped.withAccumulation(Accumulation.LAST_MICRO_BATCH) : clipped;
  }

  /** NPO as the official TOFU (batch-mean-npo) or MUSE (raw-logit-npo) code computes it. */
  public Loss forgetLoss(Loss exact) {
    if (!(exact instanceof NpoLoss npo)) {
      return exact;
    }
    return has(Departure.BATCH_MEAN_NPO) ? new BatchMeanNpoLoss(npo.beta())
        : has(Departure.RAW_LOGIT_NPO) ? new RawLogitNpoLoss(npo.beta()) : exact;
  }

  public Loss retainLoss(Loss exact) {
    return has(Departure.RAW_LOGIT_KL) && exact instanceof KlLoss ? new RawLogitKlLoss() : exact;
  }

  /** The official WMDP combination under rmu-alpha, then the unguarded division's abort on top. */
  public UpdateRule rule(UpdateRule exact, MethodParameters p) {
    UpdateRule rule = has(Departure.RMU_ALPHA) ? new RmuAlphaBlurRule(p.lambda()) : exact;
    return has(Departure.UNGUARDED_DIVISION) ? new UnguardedDivision(rule) : rule;
  }
}
