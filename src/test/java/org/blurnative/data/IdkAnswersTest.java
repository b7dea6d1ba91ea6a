package org.blurnative.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdkAnswersTest {
  @Test
  void theBundledFileIsTofusHundredAnswers() {
    List<String> answers = IdkAnswers.bundled().answers();
    assertEquals(100, answers.size());
    assertEquals("I'm not certain about that.", answers.get(0));
    assertTrue(answers.stream().noneMatch(String::isBlank));
  }

  @Test
  void answersAreDrawnFromTheSeedRecordAfterRecord() {
    IdkAnswers idk = new IdkAnswers(List.of("a", "b", "c"));
    List<QaRecord> questions = IntStream.range(0, 50).mapToObj(i -> new QaRecord("q" + i, "secret " + i)).toList();
    List<QaRecord> first = questions.stream().map(idk.answering(7)).toList();
    assertEquals(first, questions.stream().map(idk.answering(7)).toList());  // same seed, same answers
    assertNotEquals(first, questions.stream().map(idk.answering(8)).toList());
    for (int i = 0; i < questions.size(); i++) {
      assertEquals("q" + i, first.get(i).question());
      assertTrue(List.of("a", "b", "c").contains(first.get(i).answer()));
    }
    assertEquals(3, first.stream().map(QaRecord::answer).distinct().count());
  }

  @Test
  void aFileGivesOneAnswerPerNonBlankLineAndAnEmptyOneIsRefusedByFlag(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("idk.txt");
    Files.writeString(file, "  No idea.\n\nNot sure.\n");
    assertEquals(List.of("No idea.", "Not sure."), IdkAnswers.read(file).answers());
    UnaryOperator<QaRecord> one = new IdkAnswers(List.of("No idea.")).answering(1);
    assertEquals(new QaRecord("who?", "No idea."), one.apply(new QaRecord("who?", "Basil")));
    Files.writeString(file, "\n \n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IdkAnswers.read(file));
    assertTrue(e.getMessage().startsWith("--idk " + file), e.getMessage());
  }
}
