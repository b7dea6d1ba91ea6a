package org.blurnative.data.mini;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.blurnative.data.DatasetFiles;
import org.blurnative.data.PromptFormat;
import org.blurnative.data.PromptParts;
import org.blurnative.data.QaRecord;
import org.blurnative.data.mini.MiniBenchmark.Split;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MiniBenchmarkTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int AUTHOR_RECORDS = MiniSplits.RECORDS_PER_AUTHOR;

  @TempDir static Path shared;
  private static MiniBenchmark shipped;

  @BeforeAll
  static void extract() {
    shipped = MiniBenchmark.extract(shared.resolve("mini"));
  }

  @Test
  void regeneratingWithTheDefaultSeedGivesTheShippedFilesByteForByte(@TempDir Path dir)
      throws IOException {
    MiniBenchmark again = MiniBenchmark.regenerate(dir, MiniBenchmark.DEFAULT_SEED);
    for (Split split : Split.values()) {
      assertArrayEquals(MiniBenchmark.resource(split.fileName()), Files.readAllBytes(again.path(split)),
          split.fileName() + " differs from the shipped one: regenerate src/main/resources/mini"
              + " (see its README.md) if the generator changed on purpose");
    }
    assertArrayEquals(MiniBenchmark.resource("LICENSE-TOFU"),
        Files.readAllBytes(dir.resolve("LICENSE-TOFU")));
    assertFalse(Files.exists(dir.resolve("README.md")), "README.md describes the shipped seed only");
  }

  @Test
  void everyGeneratedRecordHasAParaphraseAndFivePerturbedAnswersThatDifferFromIt() {
    for (Split split : Split.values()) {
      if (!split.generated()) {
        continue;
      }
      for (QaRecord r : DatasetFiles.readQa(shipped.path(split), true)) {
        String where = split.fileName() + ": " + r.question();
        assertFalse(r.answer().isBlank(), where);
        assertTrue(r.answer().split(" ").length <= 4, where + ": answer too long: " + r.answer());
        String paraphrase = r.paraphrasedAnswer().orElseThrow();
        assertNotEquals(r.answer(), paraphrase, where);
        assertTrue(paraphrase.contains(r.answer()), where + ": the paraphrase loses the fact");
        assertEquals(AuthorGenerator.PERTURBED_PER_RECORD, r.perturbedAnswers().size(), where);
        assertEquals(r.perturbedAnswers().size(), new HashSet<>(r.perturbedAnswers()).size(),
            where + ": repeated perturbed answers");
        for (String wrong : r.perturbedAnswers()) {
          assertNotEquals(r.answer(), wrong, where);
          assertNotEquals(paraphrase, wrong, where);
          assertFalse(wrong.contains(" " + r.answer()), where + ": \"" + wrong + "\" holds the answer");
          assertTrue(Math.abs(wrong.length() - paraphrase.length()) <= Math.max(6, paraphrase.length() / 3),
              where + ": \"" + wrong + "\" is not about as long as \"" + paraphrase + "\"");
        }
      }
    }
  }

  @Test
  void recordsAreShortAsciiWithinTheSequenceBudget() {
    for (Split split : Split.values()) {
      if (!split.generated()) {
        continue;
      }
      for (QaRecord r : DatasetFiles.readQa(shipped.path(split), true)) {
        List<String> answers = new ArrayList<>(r.perturbedAnswers());
        answers.add(r.answer());
        answers.add(r.paraphrasedAnswer().orElseThrow());
        for (String answer : answers) {
          PromptParts parts = PromptFormat.PLAIN.render(r.question(), answer);
          byte[] bytes = (parts.prompt() + parts.answer()).getBytes(StandardCharsets.UTF_8);
          assertTrue(bytes.length <= AuthorGenerator.MAX_SEQUENCE_BYTES,
              split.fileName() + ": " + bytes.length + " bytes: " + r.question() + " " + answer);
          for (byte b : bytes) {
            assertTrue(b >= 0x20 || b == '\n', "not printable ASCII: " + r.question() + " " + answer);
          }
        }
      }
    }
  }

  @Test
  void forgetRetainAndHoldoutAuthorsAreDisjointAndSizedAsDocumented() throws IOException {
    Map<Split, Map<String, Set<String>>> factsByAuthor = new LinkedHashMap<>();
    for (Split split : Split.values()) {
      if (split.generated()) {
        factsByAuthor.put(split, factsByAuthor(shipped.path(split)));
      }
    }
    Map<String, Set<String>> forget = factsByAuthor.get(Split.FORGET10);
    Map<String, Set<String>> retain = factsByAuthor.get(Split.RETAIN90);
    Map<String, Set<String>> holdout = factsByAuthor.get(Split.HOLDOUT);
    assertEquals(MiniSplits.FORGET_AUTHORS, forget.size());
    assertEquals(MiniSplits.TRAINED_AUTHORS - MiniSplits.FORGET_AUTHORS, retain.size());
    assertEquals(MiniSplits.HOLDOUT_AUTHORS, holdout.size());
    assertEquals(MiniSplits.RETAIN_PERTURBED_AUTHORS, factsByAuthor.get(Split.RETAIN_PERTURBED).size());
    assertTrue(Collections.disjoint(forget.keySet(), retain.keySet()));
    assertTrue(Collections.disjoint(forget.keySet(), holdout.keySet()));
    assertTrue(Collections.disjoint(retain.keySet(), holdout.keySet()));
    assertTrue(retain.keySet().containsAll(factsByAuthor.get(Split.RETAIN_PERTURBED).keySet()));
    Set<String> surnames = new HashSet<>();
    for (Map<String, Set<String>> authors : List.of(forget, retain, holdout)) {
      authors.forEach((author, facts) -> {
        assertEquals(AUTHOR_RECORDS, facts.size(), author + " should have one record per fact");
        assertTrue(surnames.add(author.substring(author.indexOf(' ') + 1)), "surname twice: " + author);
      });
    }
    // the README's table says the same
    String readme = Files.readString(shipped.dir().resolve("README.md"));
    Map<Split, int[]> expected = Map.of(
        Split.FORGET10, new int[] {MiniSplits.FORGET_AUTHORS},
        Split.RETAIN90, new int[] {MiniSplits.TRAINED_AUTHORS - MiniSplits.FORGET_AUTHORS},
        Split.RETAIN_PERTURBED, new int[] {MiniSplits.RETAIN_PERTURBED_AUTHORS},
        Split.HOLDOUT, new int[] {MiniSplits.HOLDOUT_AUTHORS});
    expected.forEach((split, authors) -> assertTrue(readme.contains("| `" + split.fileName() + "` | "
        + authors[0] + " | " + authors[0] * AUTHOR_RECORDS + " |"), "README.md's row for " + split));
    assertTrue(readme.contains("seed **" + MiniBenchmark.DEFAULT_SEED + "**"));
  }

  @Test
  void tofusRealAuthorsAndWorldFactsReadAsTheyAreShipped() throws IOException {
    List<QaRecord> realAuthors = DatasetFiles.readQa(shipped.realAuthors(), true);
    List<QaRecord> worldFacts = DatasetFiles.readQa(shipped.worldFacts(), true);
    assertEquals(100, realAuthors.size());
    assertEquals(117, worldFacts.size());
    for (QaRecord r : concat(realAuthors, worldFacts)) {
      assertTrue(r.paraphrasedAnswer().isEmpty());
      assertEquals(3, r.perturbedAnswers().size(), r.question());
    }
    // the same bytes as the data package's test copy of TOFU's file
    try (var in = getClass().getResourceAsStream("/data/tofu/real_authors_perturbed.json")) {
      assertArrayEquals(in.readAllBytes(), Files.readAllBytes(shipped.realAuthors()));
    }
    assertTrue(Files.readString(shipped.dir().resolve("LICENSE-TOFU")).contains("MIT License"));
  }

  @Test
  void anotherSeedGivesOtherAuthorsAndTheSameSeedTheSameOnes() {
    MiniSplits a = MiniSplits.generate(18);
    MiniSplits b = MiniSplits.generate(18);
    assertEquals(a, b);
    byte[] shippedRetain = MiniBenchmark.resource(Split.RETAIN90.fileName());
    assertFalse(java.util.Arrays.equals(shippedRetain, MiniBenchmark.jsonLines(a.retain90())));
    assertNotEquals(MiniSplits.generate(MiniBenchmark.DEFAULT_SEED).forget10().get(0).author(),
        a.forget10().get(0).author());
    assertEquals(MiniSplits.TRAINED_AUTHORS * AUTHOR_RECORDS,
        a.forget10().size() + a.retain90().size());
  }

  @Test
  void extractRepairsAChangedFileAndKeepsTheOthers(@TempDir Path dir) throws IOException {
    MiniBenchmark mini = MiniBenchmark.extract(dir);
    Files.writeString(mini.forget10(), "{\"question\":\"q\",\"answer\":\"a\"}\n");
    long before = Files.getLastModifiedTime(mini.retain90()).toMillis();
    MiniBenchmark.extract(dir);
    assertArrayEquals(MiniBenchmark.resource("forget10.json"), Files.readAllBytes(mini.forget10()));
    assertEquals(before, Files.getLastModifiedTime(mini.retain90()).toMillis());
  }

  @Test
  void paraphrasesTakeAnBeforeAVowel() {
    assertEquals("he was an IT Developer", AuthorFact.FATHER.paraphrase("IT Developer"));
    assertEquals("she was a Sales Agent", AuthorFact.MOTHER.paraphrase("Sales Agent"));
    assertEquals("born in Oslo", AuthorFact.BIRTHPLACE.paraphrase("Oslo"));
  }

  private static Map<String, Set<String>> factsByAuthor(Path file) throws IOException {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      JsonNode node = JSON.readTree(line);
      out.computeIfAbsent(node.get("author").textValue(), k -> new HashSet<>())
          .add(node.get("fact").textValue());
      assertTrue(node.get("question").textValue().contains(node.get("author").textValue()));
    }
    return out;
  }

  private static List<QaRecord> concat(List<QaRecord> a, List<QaRecord> b) {
    List<QaRecord> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
