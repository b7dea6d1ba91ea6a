package org.blurnative.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * TOFU's "I don't know" answers (data/idontknow.jsonl of locuslab/tofu, commit bdc209e, MIT; the
 * file open-unlearning's setup_data.py fetches as idk.jsonl): one plain-text answer a line, despite
 * the name. IdkNLL trains the forget questions toward one of them. TOFU and open-unlearning draw a
 * fresh one each time an example is loaded; we draw one per forget example from the run's seed, so
 * a run's data, like its order, is fixed by the seed and resumes bit for bit.
 */
public record IdkAnswers(List<String> answers) {
  private static final String BUNDLED = "/idk/idontknow.jsonl";

  public IdkAnswers {
    answers = List.copyOf(answers);
    if (answers.isEmpty()) {
      throw new IllegalArgumentException("no \"I don't know\" answers");
    }
  }

  /** TOFU's 100 answers, shipped in the jar with TOFU's licence (resources/idk/LICENSE-TOFU). */
  public static IdkAnswers bundled() {
    try (InputStream in = IdkAnswers.class.getResourceAsStream(BUNDLED)) {
      return new IdkAnswers(lines(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bundled " + BUNDLED, e);
    }
  }

  /** A file of one answer a line, as {@code --idk FILE}; blank lines are skipped. */
  public static IdkAnswers read(Path file) throws IOException {
    List<String> lines = lines(Files.readString(file, StandardCharsets.UTF_8));
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("--idk " + file + " holds no answers (one a line)");
    }
    return new IdkAnswers(lines);
  }

  private static List<String> lines(String text) {
    return text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }

  /** Replaces each record's answer by an answer drawn from {@code seed}, record after record. */
  public UnaryOperator<QaRecord> answering(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    return r -> new QaRecord(r.question(), answers.get(random.nextInt(answers.size())));
  }
}
