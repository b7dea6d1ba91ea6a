package org.blurnative.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetFilesTest {

  @TempDir Path dir;

  private Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  /** Reading {@code content} fails with exactly "FILE:LINE: message". */
  private void assertError(Function<Path, ?> reader, String content, int line, String message)
      throws IOException {
    Path file = write("bad.jsonl", content);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> reader.apply(file));
    assertEquals(file + ":" + line + ": " + message, e.getMessage());
  }

  @Test
  void readsTofuRealAuthorsAsShipped() throws URISyntaxException {
    Path tofu = Path.of(getClass().getResource("/data/tofu/real_authors_perturbed.json").toURI());
    List<QaRecord> records = DatasetFiles.readQa(tofu, true);
    assertEquals(100, records.size());
    QaRecord first = records.get(0);
    assertEquals("Who wrote the play 'Romeo and Juliet'?", first.question());
    assertEquals("William Shakespeare", first.answer());
    assertEquals(Optional.empty(), first.paraphrasedAnswer());
    assertEquals(List.of("Charles Dickens", "Virginia Woolf", "Mark Twain"), first.perturbedAnswers());
    assertTrue(records.stream().allMatch(r -> r.perturbedAnswers().size() == 3));
    assertEquals("Who penned 'The Hobbit' and 'The Lord of the Rings' series?",
        records.get(7).question());
  }

  @Test
  void readsEveryQaFieldAndSkipsBlankLinesAndUnknownFields() throws IOException {
    Path file = write("forget.jsonl", """
        {"question": "Q1?", "answer": "A1", "paraphrased_answer": "P1", "perturbed_answer": ["X", "Y"], "paraphrased_question": "ignored"}

        {"question": "Q2?", "answer": "A2", "paraphrased_answer": null}
        """);
    assertEquals(List.of(
            new QaRecord("Q1?", "A1", Optional.of("P1"), List.of("X", "Y")),
            new QaRecord("Q2?", "A2")),
        DatasetFiles.readQa(file));
  }

  @Test
  void readsAJsonArrayFileWithTheLineOfEachRecord() throws IOException {
    Path file = write("array.json", """
        [
          {"question": "Q1?", "answer": "A1"},
          {"question": "Q2?",
           "answer": "A2"}
        ]
        """);
    assertEquals(List.of(new QaRecord("Q1?", "A1"), new QaRecord("Q2?", "A2")),
        DatasetFiles.readQa(file));
    Path bad = write("bad-array.json", """
        [
          {"question": "Q1?", "answer": "A1"},
          {"question": "Q2?"}
        ]
        """);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DatasetFiles.readQa(bad));
    assertEquals(bad + ":3: missing field \"answer\"", e.getMessage());
  }

  @Test
  void qaErrorsNameFileAndLine() throws IOException {
    Function<Path, ?> qa = DatasetFiles::readQa;
    String good = "{\"question\": \"Q?\", \"answer\": \"A\"}\n";
    assertError(qa, good + "{\"question\": \"Q?\", \"answer\": }\n", 2,
        "not valid JSON: Unexpected character ('}' (code 125)): expected a valid value (JSON String,"
            + " Number, Array, Object or token 'null', 'true' or 'false')");
    assertError(qa, good + good + "{\"question\": \"Q?\"}\n", 3, "missing field \"answer\"");
    assertError(qa, "{\"question\": \"Q?\", \"answer\": 42}\n", 1,
        "field \"answer\" must be a string, got a number 42");
    assertError(qa, "{\"question\": \"\", \"answer\": \"A\"}\n", 1, "field \"question\" is empty");
    assertError(qa, "{\"question\": \"Q?\", \"answer\": \"A\", \"paraphrased_answer\": [\"P\"]}\n", 1,
        "field \"paraphrased_answer\" must be a string, got an array");
    assertError(qa, "{\"question\": \"Q?\", \"answer\": \"A\", \"perturbed_answer\": \"X\"}\n", 1,
        "field \"perturbed_answer\" must be an array of strings, got a string \"X\"");
    assertError(qa, "{\"question\": \"Q?\", \"answer\": \"A\", \"perturbed_answer\": [\"X\", 3]}\n", 1,
        "field \"perturbed_answer\"[1] must be a string, got a number 3");
    assertError(qa, good + "[1, 2]\n", 2, "expected a JSON object, got an array");
    assertError(qa, "{\"question\": \"Q?\", \"answer\": \"A\", \"answer\": \"B\"}\n", 1,
        "not valid JSON: Duplicate field 'answer'");
    assertError(qa, "{\"question\": \"Q?\", \"answer\": \"A\"} {\"x\": 1}\n", 1,
        "not valid JSON: Trailing token (of type START_OBJECT) found after value (bound as"
            + " `com.fasterxml.jackson.databind.JsonNode`): not allowed as per"
            + " `DeserializationFeature.FAIL_ON_TRAILING_TOKENS`");
    assertError(qa, "", 1, "the file is empty: expected one JSON object per line");
    assertError(qa, "\n  \n\n", 1, "the file is empty: expected one JSON object per line");
    assertError(qa, "[]", 1, "the JSON array is empty");
    String open = "[\n{\"question\": \"Q?\", \"answer\": \"A\"},\n";
    assertError(qa, open + "{\"question\": \n", 3,
        "not valid JSON: the file ends inside this record");
    assertError(qa, open.substring(0, open.length() - 2), 2,
        "not valid JSON: the file ends before the JSON array is closed");
    assertError(qa, open, 3, "not valid JSON: Unexpected end-of-input within/between Array entries");
    assertError(qa, open + "{\"question\": \"Q?\",\n \"answer\": nope}\n]", 4,
        "not valid JSON: Unrecognized token 'nope': was expecting (JSON String, Number, Array,"
            + " Object or token 'null', 'true' or 'false')");
    assertError(qa, open + "{\"question\": \"Q?\", \"answer\": \"A\"}\n] []", 4,
        "unexpected text after the JSON array");
  }

  @Test
  void perturbedAnswersCanBeRequired() throws IOException {
    assertError(f -> DatasetFiles.readQa(f, true),
        "{\"question\": \"Q?\", \"answer\": \"A\", \"perturbed_answer\": [\"X\"]}\n"
            + "{\"question\": \"Q?\", \"answer\": \"A\"}\n", 2,
        "missing field \"perturbed_answer\"");
    assertError(f -> DatasetFiles.readQa(f, true),
        "{\"question\": \"Q?\", \"answer\": \"A\", \"perturbed_answer\": []}\n", 1,
        "field \"perturbed_answer\" is empty");
  }

  @Test
  void bytesThatAreNotUtf8AreReportedWithTheirLine() throws IOException {
    Path file = dir.resolve("latin1.jsonl");
    Files.write(file, "{\"question\": \"Q?\", \"answer\": \"A\"}\n{\"question\": \"caf\u00e9\", \"answer\": \"A\"}\n"
        .getBytes(StandardCharsets.ISO_8859_1));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DatasetFiles.readQa(file));
    assertEquals(file + ":2: not UTF-8 text", e.getMessage());
    Path txt = dir.resolve("latin1.txt");
    Files.write(txt, "ok\nok\ncaf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    for (TextSplit split : TextSplit.values()) {
      e = assertThrows(IllegalArgumentException.class, () -> DatasetFiles.readText(txt, split));
      assertEquals(txt + ":3: not UTF-8 text", e.getMessage());
    }
  }

  @Test
  void readsTextFromJsonlAndFromPlainText() throws IOException {
    Path jsonl = write("docs.jsonl", "{\"text\": \"first doc\"}\n{\"text\": \"second\\ndoc\"}\n");
    assertEquals(List.of(new TextRecord("first doc"), new TextRecord("second\ndoc")),
        DatasetFiles.readText(jsonl, TextSplit.LINE_PER_DOCUMENT));

    Path txt = write("docs.txt", "line one\n\n  \nline two\r\nline three");
    assertEquals(List.of(new TextRecord("line one"), new TextRecord("line two"),
            new TextRecord("line three")),
        DatasetFiles.readText(txt, TextSplit.LINE_PER_DOCUMENT));
    assertEquals(List.of(new TextRecord("line one\n\n  \nline two\r\nline three")),
        DatasetFiles.readText(txt, TextSplit.WHOLE_FILE));
  }

  @Test
  void textErrorsNameFileAndLine() throws IOException {
    assertError(f -> DatasetFiles.readText(f, TextSplit.LINE_PER_DOCUMENT),
        "{\"text\": \"ok\"}\n{\"body\": \"no text\"}\n", 2, "missing field \"text\"");
    assertError(f -> DatasetFiles.readText(f, TextSplit.LINE_PER_DOCUMENT),
        "{\"text\": [\"a\"]}\n", 1, "field \"text\" must be a string, got an array");
    for (TextSplit split : TextSplit.values()) {
      Path empty = write("empty.txt", "\n \n");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> DatasetFiles.readText(empty, split));
      assertTrue(e.getMessage().startsWith(empty + ":1: the file is empty"), e.getMessage());
    }
  }

  @Test
  void readsMultipleChoiceWithIndexOrLetter() throws IOException {
    Path file = write("wmdp.jsonl", """
        {"question": "Q1?", "choices": ["a", "b", "c", "d"], "answer": 2}
        {"question": "Q2?", "choices": ["a", "b", "c", "d"], "answer": "D"}
        """);
    List<ChoiceRecord> records = DatasetFiles.readMultipleChoice(file);
    assertEquals(List.of(new ChoiceRecord("Q1?", List.of("a", "b", "c", "d"), 2),
        new ChoiceRecord("Q2?", List.of("a", "b", "c", "d"), 3)), records);
    assertEquals("c", records.get(0).correctChoice());
    assertEquals("D", ChoiceRecord.letter(3));
  }

  @Test
  void multipleChoiceErrorsNameFileAndLine() throws IOException {
    Function<Path, ?> mc = DatasetFiles::readMultipleChoice;
    String good = "{\"question\": \"Q?\", \"choices\": [\"a\", \"b\"], \"answer\": 0}\n";
    assertError(mc, good + "{\"question\": \"Q?\", \"choices\": [\"a\", \"b\", \"c\", \"d\"], \"answer\": 4}\n",
        2, "field \"answer\" is 4 but there are 4 choices: it must be an index 0..3 or a letter A..D");
    assertError(mc, "{\"question\": \"Q?\", \"choices\": [\"a\", \"b\", \"c\", \"d\"], \"answer\": \"E\"}\n",
        1, "field \"answer\" is \"E\" but there are 4 choices: it must be an index 0..3 or a letter A..D");
    assertError(mc, "{\"question\": \"Q?\", \"choices\": [\"a\", \"b\"], \"answer\": \"b\"}\n", 1,
        "field \"answer\" must be an index 0..1 or a letter A..B, got a string \"b\"");
    assertError(mc, "{\"question\": \"Q?\", \"choices\": [\"a\", \"b\"], \"answer\": 1.5}\n", 1,
        "field \"answer\" must be an index 0..1 or a letter A..B, got a number 1.5");
    assertError(mc, "{\"question\": \"Q?\", \"choices\": [\"a\", \"b\"], \"answer\": -1}\n", 1,
        "field \"answer\" is -1 but there are 2 choices: it must be an index 0..1 or a letter A..B");
    assertError(mc, "{\"question\": \"Q?\", \"choices\": [\"a\", \"b\"]}\n", 1, "missing field \"answer\"");
    assertError(mc, "{\"question\": \"Q?\", \"answer\": 0}\n", 1, "missing field \"choices\"");
    assertError(mc, "{\"question\": \"Q?\", \"choices\": [\"a\"], \"answer\": 0}\n", 1,
        "field \"choices\" has 1 choice; at least 2 are needed");
    assertError(mc, "{\"question\": \"Q?\", \"choices\": {\"a\": 1}, \"answer\": 0}\n", 1,
        "field \"choices\" must be an array of strings, got an object");
  }
}
