package org.blurnative.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.blurnative.io.UnwritableDirectory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * What path arguments mean and what a failure on them says (issue 14, item 12): no empty paths,
 * list options that can be repeated and keep an existing path with a comma whole, plain text
 * refused by QA methods in their own words, and write failures that name the file.
 */
class PathArgumentsTest {
  @TempDir static Path shared;
  static Path model;

  @BeforeAll
  static void tinyModel() throws Exception {
    model = TinyModel.write(shared);
  }

  @Test
  void everyPathOptionOfEveryCommandRefusesAnEmptyValueByFlag() {
    int checked = 0;
    for (Map.Entry<String, CommandLine> command : Main.commandLine().getSubcommands().entrySet()) {
      for (OptionSpec option : command.getValue().getCommandSpec().options()) {
        if (!List.of(Path.class, PathList.class).contains(option.auxiliaryTypes()[0])) {
          continue;
        }
        String flag = option.longestName();
        CommandRunner.Result r = CommandRunner.run(command.getKey(), flag, "");
        String context = command.getKey() + " " + flag + " '': " + r.err();
        assertEquals(2, r.exit(), context);
        assertEquals(1, r.err().strip().lines().count(), context);
        assertTrue(r.err().contains("'" + flag + "'") && r.err().contains("an empty path"), context);
        checked++;
      }
    }
    assertTrue(checked >= 12, checked + " path options");  // train 5, finetune 4, eval 6, bench 2
  }

  @Test
  void listValuesSplitOnCommasUnlessTheyNameAnExistingPath(@TempDir Path dir) throws Exception {
    Path comma = Files.writeString(dir.resolve("forget,part 1.jsonl"), "");
    assertEquals(List.of(comma), PathList.parse(comma.toString()).paths());
    assertEquals(List.of(Path.of("a.jsonl"), Path.of("b.jsonl")), PathList.parse("a.jsonl,b.jsonl").paths());
    CommandLine.TypeConversionException e = assertThrows(CommandLine.TypeConversionException.class,
        () -> PathList.parse("a.jsonl,"));
    assertTrue(e.getMessage().contains("an empty path"), e.getMessage());
  }

  @Test
  void listOptionsMayBeRepeatedAndTakeAPathWithACommaWhole(@TempDir Path dir) throws Exception {
    Path first = Files.writeString(dir.resolve("forget,part 1.jsonl"), TrainCommandTest.qa(0, 3));
    Path second = Files.writeString(dir.resolve("forget-2.jsonl"), TrainCommandTest.qa(3, 3));
    Path retainA = Files.writeString(dir.resolve("retain-a.jsonl"), TrainCommandTest.qa(10, 3));
    Path retainB = Files.writeString(dir.resolve("retain-b.jsonl"), TrainCommandTest.qa(13, 3));
    Path out = dir.resolve("run");
    CommandRunner.Result r = CommandRunner.run("train", "--model", model.toString(),
        "--forget", first.toString(), "--forget", second.toString(), "--retain", retainA + "," + retainB,
        "--out", out.toString(), "--max-steps", "1", "--batch", "2", "--micro-batch", "1");
    assertEquals(0, r.exit(), r.err());
    JsonNode config = new ObjectMapper().readTree(out.resolve("run.json").toFile()).path("config");
    assertEquals(List.of(first.toString(), second.toString()), strings(config.path("forget")));
    assertEquals(List.of(retainA.toString(), retainB.toString()), strings(config.path("retain")));
  }

  @Test
  void plainTextGivenToAQaMethodSaysWhatQaDataIs(@TempDir Path dir) throws Exception {
    Path txt = Files.writeString(dir.resolve("facts.txt"), "{\"looks\": \"like JSON, but it is a .txt\"}\n");
    Path csv = Files.writeString(dir.resolve("facts.csv"), "question,answer\nWho?,Me\n");
    for (Path file : List.of(txt, csv)) {
      CommandRunner.Result r = TinyModel.train(shared, file, dir.resolve("never"), "--method", "npo");
      assertEquals(2, r.exit(), r.err());
      assertEquals(List.of("blur-native train: --forget " + file
          + ": QA data must be JSON or JSONL (plain text is for the RMU methods)"), r.err().lines().toList());
    }
  }

  @Test
  void aWriteThatFailsNamesTheFileAndWhy(@TempDir Path dir) throws Exception {
    Optional<Path> unwritable = UnwritableDirectory.find(dir);
    assumeTrue(unwritable.isPresent(), UnwritableDirectory.NONE);
    Path choices = Files.writeString(dir.resolve("wmdp-bio.jsonl"),
        "{\"question\": \"Which?\", \"choices\": [\"a\", \"b\"], \"answer\": 0}\n");
    Path out = unwritable.get().resolve("eval");
    CommandRunner.Result r = CommandRunner.run("eval", "--model", model.toString(), "--benchmark", "wmdp",
        "--data", choices.toString(), "--out", out.toString());
    assertEquals(2, r.exit(), r.err());
    List<String> errors = r.err().lines().filter(l -> !l.startsWith("warning:")).toList();
    assertEquals(1, errors.size(), r.err());
    assertTrue(errors.get(0).startsWith("blur-native eval: cannot write " + out.resolve("summary.json") + ": "), r.err());
    assertFalse(r.err().contains(".tmp"), r.err());
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(v -> out.add(v.asText()));
    return out;
  }
}
