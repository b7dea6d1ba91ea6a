package org.blurnative.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.blurnative.data.TokenizedExample;
import org.blurnative.data.Truncation;
import org.blurnative.model.ModelConfig;

/**
 * --max-length, tokens per sequence, for a given model: at most its context
 * (max_position_embeddings), since it never saw later positions; min(256, context) when the flag
 * is not given, so that the default fits small models too. What it cuts is said once per set of
 * examples, not per batch.
 */
final class MaxLength {
  static final int DEFAULT = 256;
  static final String HELP = "tokens per sequence, at most the model's context (default: 256, or"
      + " max_position_embeddings where that is less)";

  private MaxLength() {}

  /** The flag's value, or the default where it was not given (null). */
  static int orDefault(Integer given) {
    int length = given == null ? DEFAULT : given;
    if (length < 2) {
      throw new IllegalArgumentException("--max-length must be at least 2 (BOS and one token), got " + length);
    }
    return length;
  }

  /** {@code given} (null: not given) for {@code model}, which {@code source} names ("--model DIR"). */
  static int forModel(Integer given, ModelConfig model, String source) {
    int context = model.maxPositionEmbeddings();
    int length = orDefault(given);
    if (given == null) {
      return Math.min(length, context);
    }
    if (length > context) {
      throw new IllegalArgumentException("--max-length " + length + " is longer than the context of "
          + source + ": " + context + " tokens (max_position_embeddings)");
    }
    return length;
  }

  /**
   * One line on {@code err} when {@code maxLength} cuts some of {@code examples} ("3 of 20 --forget
   * examples exceed --max-length 128: 2 prompts cut from the left, 1 answer cut"); nothing when it
   * cuts none. Said once per set, where the examples are known, not per batch.
   */
  static void warnIfCut(PrintWriter err, String what, List<TokenizedExample> examples, int maxLength) {
    warnIfCut(err, what, Truncation.Count.of(examples, maxLength), maxLength);
  }

  static void warnIfCut(PrintWriter err, String what, Truncation.Count cut, int maxLength) {
    if (cut.exceeding() == 0) {
      return;
    }
    List<String> parts = new ArrayList<>();
    if (cut.promptsCut() > 0) {
      parts.add(plural(cut.promptsCut(), "prompt") + " cut from the left");
    }
    if (cut.answersCut() > 0) {
      parts.add(plural(cut.answersCut(), "answer") + " cut");
    }
    err.println("warning: " + cut.exceeding() + " of " + cut.examples() + " " + what + " exceed --max-length "
        + maxLength + ": " + String.join(", ", parts));
  }

  private static String plural(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
