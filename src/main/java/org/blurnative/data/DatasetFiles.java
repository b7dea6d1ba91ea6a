package org.blurnative.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the data files of DESIGN.md §5 into records. Every problem in a file is an
 * IllegalArgumentException that reads "FILE:LINE: what is wrong"; fields other than the ones named
 * here are ignored, so the benchmarks' files load as they are shipped.
 */
public final class DatasetFiles {

  private DatasetFiles() {}

  /** QA records for training: question and answer required, the truth-ratio fields optional. */
  public static List<QaRecord> readQa(Path file) {
    return readQa(file, false);
  }

  /**
   * QA records; with {@code requirePerturbedAnswers}, every record must also have a non-empty
   * perturbed_answer list (the truth ratio needs it).
   */
  public static List<QaRecord> readQa(Path file, boolean requirePerturbedAnswers) {
    List<QaRecord> out = new ArrayList<>();
    for (JsonRecord r : JsonLines.read(file)) {
      out.add(new QaRecord(
          r.requiredString("question"),
          r.requiredString("answer"),
          r.optionalString("paraphrased_answer"),
          r.stringList("perturbed_answer", requirePerturbedAnswers)));
    }
    return out;
  }

  /**
   * Each record's question with its {@code alternate} answer (required) in place of its answer:
   * the preferred answers of DPO, as open-unlearning's QAwithAlternateDataset reads them with
   * alternate_key alternate (src/data/qa.py, commit d3d7cf9).
   */
  public static List<QaRecord> readAlternateQa(Path file) {
    List<QaRecord> out = new ArrayList<>();
    for (JsonRecord r : JsonLines.read(file)) {
      out.add(new QaRecord(r.requiredString("question"), r.requiredString("alternate")));
    }
    return out;
  }

  /**
   * Documents: a .txt file split as {@code split} says; any other file is JSONL (or a JSON array)
   * of {@code {"text": …}} objects or bare strings (MUSE's privleak files), one document each, and
   * {@code split} does not apply.
   */
  public static List<TextRecord> readText(Path file, TextSplit split) {
    if (!file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".txt")) {
      List<TextRecord> out = new ArrayList<>();
      for (JsonRecord r : JsonLines.readObjectsOrStrings(file)) {
        out.add(new TextRecord(r.bareString().orElseGet(() -> r.requiredString("text"))));
      }
      return out;
    }
    if (split == TextSplit.WHOLE_FILE) {
      String text = JsonLines.readText(file);
      if (text.isBlank()) {
        throw JsonRecord.error(file, 1, "the file is empty: expected a document");
      }
      return List.of(new TextRecord(text));
    }
    List<TextRecord> out = new ArrayList<>();
    for (String line : JsonLines.readLines(file)) {
      if (!line.isBlank()) {
        out.add(new TextRecord(line));
      }
    }
    if (out.isEmpty()) {
      throw JsonRecord.error(file, 1, "the file is empty: expected one document per line");
    }
    return out;
  }

  /**
   * Prompt/continuation pairs, MUSE's verbmem files: {@code {"prompt": …, "gt": …}}, the true
   * continuation under "gt".
   */
  public static List<ContinuationRecord> readContinuations(Path file) {
    List<ContinuationRecord> out = new ArrayList<>();
    for (JsonRecord r : JsonLines.read(file)) {
      out.add(new ContinuationRecord(r.requiredString("prompt"), r.requiredString("gt")));
    }
    return out;
  }

  /** Multiple-choice records; answer is an index or a letter "A".."Z" within the choices. */
  public static List<ChoiceRecord> readMultipleChoice(Path file) {
    List<ChoiceRecord> out = new ArrayList<>();
    for (JsonRecord r : JsonLines.read(file)) {
      String question = r.requiredString("question");
      List<String> choices = r.stringList("choices", true);
      if (choices.size() < 2) {
        throw r.error("field \"choices\" has " + choices.size() + " choice; at least 2 are needed");
      }
      out.add(new ChoiceRecord(question, choices, answerIndex(r, choices.size())));
    }
    return out;
  }

  private static int answerIndex(JsonRecord r, int choiceCount) {
    JsonNode v = r.get("answer");
    String range = "an index 0.." + (choiceCount - 1) + " or a letter A.."
        + ChoiceRecord.letter(choiceCount - 1);
    if (v == null || v.isNull()) {
      throw r.error("missing field \"answer\"");
    }
    int index;
    if (v.isIntegralNumber() && v.canConvertToInt()) {
      index = v.intValue();
    } else if (v.isTextual() && v.textValue().length() == 1
        && v.textValue().charAt(0) >= 'A' && v.textValue().charAt(0) <= 'Z') {
      index = v.textValue().charAt(0) - 'A';
    } else {
      throw r.error("field \"answer\" must be " + range + ", got " + JsonRecord.describe(v));
    }
    if (index < 0 || index >= choiceCount) {
      throw r.error("field \"answer\" is " + v + " but there are " + choiceCount
          + " choices: it must be " + range);
    }
    return index;
  }
}
