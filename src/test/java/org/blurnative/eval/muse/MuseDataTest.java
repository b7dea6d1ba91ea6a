package org.blurnative.eval.muse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MuseDataTest {

  static Path fixture() throws Exception {
    return Path.of(MuseDataTest.class.getResource("/eval/muse/news").toURI());
  }

  @Test
  void readsMusesLayoutWithBareStringAndObjectTexts() throws Exception {
    MuseData d = MuseData.read(fixture());
    assertEquals(3, d.verbMemForget().size());
    assertEquals("Rain fell on the market square", d.verbMemForget().get(2).prompt());
    assertEquals("for three days without stopping.", d.verbMemForget().get(2).continuation());
    assertEquals(3, d.knowMemForget().size());
    assertEquals(2, d.knowMemForgetShots().size());
    assertEquals(2, d.knowMemRetain().size());
    assertEquals(1, d.knowMemRetainShots().size());
    assertEquals("The harbour town of Kessel woke early that spring.", d.privLeakForget().get(0).text());
    assertEquals("A new library opened in the valley town last autumn.", d.privLeakHoldout().get(0).text());
    assertEquals("Snow closed the mountain pass for a week in February.", d.privLeakHoldout().get(2).text());
  }

  @Test
  void aMissingFileOrABadRecordIsNamed(@TempDir Path dir) throws Exception {
    copy(fixture(), dir);
    Files.delete(dir.resolve("knowmem/retain_qa_icl.json"));
    assertEquals("--data " + dir + " lacks knowmem/retain_qa_icl.json (MUSE's layout)",
        assertThrows(IllegalArgumentException.class, () -> MuseData.read(dir)).getMessage());

    copy(fixture(), dir);
    Files.writeString(dir.resolve("privleak/holdout.json"), "[\n  \"fine\",\n  42\n]\n");
    assertEquals(dir.resolve("privleak/holdout.json") + ":3: expected a JSON object or string, got a number 42",
        assertThrows(IllegalArgumentException.class, () -> MuseData.read(dir)).getMessage());

    copy(fixture(), dir);
    Files.writeString(dir.resolve("verbmem/forget.json"), "[{\"prompt\": \"p\"}]");
    assertEquals(dir.resolve("verbmem/forget.json") + ":1: missing field \"gt\"",
        assertThrows(IllegalArgumentException.class, () -> MuseData.read(dir)).getMessage());

    assertEquals("--data " + dir.resolve("nowhere") + " is not a directory (MUSE's data/news or data/books)",
        assertThrows(IllegalArgumentException.class, () -> MuseData.read(dir.resolve("nowhere"))).getMessage());
  }

  private static void copy(Path from, Path to) throws IOException {
    try (var files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
