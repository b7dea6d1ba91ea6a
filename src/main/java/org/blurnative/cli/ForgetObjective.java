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
 * the record's "alternate"; idkdpo: "I don't know").
 */
final class ForgetObjective {
  private ForgetObjective() {}

  /** {@code idk} null for TOFU's bundled answers; {@code seed} draws them, one per example. */
  static Objective read(Method method, Loss loss, List<Path> files, ExampleEncoder encoder, Path idk, long seed)
      throws IOException {
    IdkAnswers idkAnswers = !method.usesIdk() ? null : idk == null ? IdkAnswers.bundled() : IdkAnswers.read(idk);
    UnaryOperator<QaRecord> answers = method.answersIdk() ? idkAnswers.answering(seed) : UnaryOperator.identity();
    List<TokenizedExample> examples = ModelInputs.examples("--forget", files, method.usesText(), encoder, answers);
    List<TokenizedExample> alternates = switch (method.alternateAnswers()) {
      case NONE -> List.of();
      case IDK -> ModelInputs.examples("--forget", files, false, encoder, idkAnswers.answering(seed));
      case RECORDED -> ModelInputs.alternates("--forget", files, encoder);
    };
    return new Objective("forget", loss, examples, alternates);
  }
}
