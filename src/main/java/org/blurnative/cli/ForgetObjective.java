package org.blurnative.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.blurnative.data.ExampleEncoder;
import org.blurnative.data.IdkAnswers;
import org.blurnative.data.QaRecord;
import org.blurnative.data.TokenizedExample;
import org.blurnative.loss.Loss;
import org.blurnative.train.Method;
import org.blurnative.train.Objective;

/**
 * The forget set as a method trains on it: its examples (idknll: each question answered "I don't
 * know"), and for the preference losses each question's preferred answer at the same index (dpo:
 * the record's "alternate"; idkdpo: "I don't know"). train reads the records from files, bench
 * --whole-step takes the mini benchmark's from memory.
 */
final class ForgetObjective {
  private ForgetObjective() {}

  /** The forget set's records, wherever they come from. */
  interface Records {
    /** Its examples, each QA pair passed through {@code answers} first; as documents when {@code text} (RMU). */
    List<TokenizedExample> examples(boolean text, UnaryOperator<QaRecord> answers);

    /** Each record's own alternate answer to its question, in the same order (dpo). */
    List<TokenizedExample> alternates();
  }

  /** train's: the --forget files; {@code idk} null for TOFU's bundled answers, {@code seed} draws them. */
  static Objective read(Method method, Loss loss, List<Path> files, ExampleEncoder encoder, Path idk, long seed)
      throws IOException {
    IdkAnswers idkAnswers = !method.usesIdk() ? null : idk == null ? IdkAnswers.bundled() : IdkAnswers.read(idk);
    return of(method, loss, files(files, encoder), idkAnswers, seed);
  }

  /** {@code idk}: the "I don't know" answers, drawn one per example with {@code seed}; null unless the method uses them. */
  static Objective of(Method method, Loss loss, Records records, IdkAnswers idk, long seed) {
    UnaryOperator<QaRecord> answers = method.answersIdk() ? idk.answering(seed) : UnaryOperator.identity();
    List<TokenizedExample> examples = records.examples(method.usesText(), answers);
    List<TokenizedExample> alternates = switch (method.alternateAnswers()) {
      case NONE -> List.of();
      case IDK -> records.examples(false, idk.answering(seed));
      case RECORDED -> records.alternates();
    };
    return new Objective("forget", loss, examples, alternates);
  }

  private static Records files(List<Path> files, ExampleEncoder encoder) {
    return new Records() {
      @Override
      public List<TokenizedExample> examples(boolean text, UnaryOperator<QaRecord> answers) {
        return ModelInputs.examples("--forget", files, text, encoder, answers);
      }

      @Override
      public List<TokenizedExample> alternates() {
        return ModelInputs.alternates("--forget", files, encoder);
      }
    };
  }
}
