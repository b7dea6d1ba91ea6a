package org.blurnative.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A large record is data, whatever the JSON library's defaults (issue 14, item 12): a document of
 * 25 million characters on one line, beyond Jackson's 20-million cap on a string, is read.
 */
class LargeRecordsTest {
  static final int CHARS = 25_000_000;

  @Test
  void aRecordLongerThanTheParsersDefaultCapIsRead(@TempDir Path dir) throws Exception {
    String document = "a".repeat(CHARS);
    Path lines = Files.writeString(dir.resolve("docs.jsonl"), "{\"text\": \"" + document + "\"}\n");
    List<TextRecord> read = DatasetFiles.readText(lines, TextSplit.LINE_PER_DOCUMENT);
    assertEquals(CHARS, read.get(0).text().length());

    Path array = Files.writeString(dir.resolve("qa.json"),
        "[\n{\"question\": \"Long?\", \"answer\": \"" + document + "\"}\n]\n");
    assertEquals(CHARS, DatasetFiles.readQa(array).get(0).answer().length());
  }

  @Test
  void whatIsStillBeyondTheReaderIsSaidInOurWordsWithItsLine(@TempDir Path dir) throws Exception {
    String nested = "[".repeat(2000) + "]".repeat(2000);
    Path file = Files.writeString(dir.resolve("deep.jsonl"), "{\"question\": \"q\", \"answer\": \"a\"}\n"
        + "{\"question\": " + nested + "}\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DatasetFiles.readQa(file));
    assertEquals(file + ":2: beyond what the JSON reader accepts: nesting deeper than 1000 levels, a number"
        + " longer than 1000 digits or a field name longer than 50000 characters", e.getMessage());
    assertFalse(e.getMessage().contains("StreamReadConstraints"));
  }
}
