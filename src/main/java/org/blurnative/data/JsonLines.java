package org.blurnative.data;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The objects of a data file: JSON Lines (one object per line, blank lines skipped), or one JSON
 * array of objects, which some Hugging Face dataset exports use. Each keeps the line it starts on.
 */
final class JsonLines {

  /**
   * A record is read whatever the length of its strings: a document of 50 MB on one line is data,
   * and Jackson's default cap (20 million characters a string) would refuse it. Its caps on
   * nesting, number and field-name lengths stay: no data set needs more.
   */
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
      .build();
  private static final String BEYOND_LIMITS = "beyond what the JSON reader accepts: nesting deeper than "
      + StreamReadConstraints.DEFAULT_MAX_DEPTH + " levels, a number longer than "
      + StreamReadConstraints.DEFAULT_MAX_NUM_LEN + " digits or a field name longer than "
      + StreamReadConstraints.DEFAULT_MAX_NAME_LEN + " characters";
  /** One value per line: text after it is an error, as is a key given twice. */
  private static final ObjectMapper LINE_JSON = new ObjectMapper(FACTORY.copy())
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  /** Elements of one array, read one after another from the same parser. */
  private static final ObjectMapper ARRAY_JSON = new ObjectMapper(FACTORY.copy())
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private JsonLines() {}

  static List<JsonRecord> read(Path file) {
    return read(file, true);
  }

  /**
   * Like {@link #read(Path)}, but elements may also be bare strings (MUSE ships its privleak
   * texts as a JSON array of strings); a number, array or null is still an error.
   */
  static List<JsonRecord> readObjectsOrStrings(Path file) {
    return read(file, false);
  }

  private static List<JsonRecord> read(Path file, boolean objectsOnly) {
    List<String> lines = readLines(file);
    int first = 0;
    while (first < lines.size() && lines.get(first).isBlank()) {
      first++;
    }
    if (first == lines.size()) {
      throw JsonRecord.error(file, 1, "the file is empty: expected one JSON object per line");
    }
    return lines.get(first).stripLeading().startsWith("[")
        ? readArray(file, String.join("\n", lines), objectsOnly)
        : readLinesAsObjects(file, lines, objectsOnly);
  }

  /** Lines of strict UTF-8; a byte that is not UTF-8 is reported with its line. */
  static List<String> readLines(Path file) {
    return List.of(readText(file).split("\r?\n", -1));
  }

  /** The file as strict UTF-8 text, without a byte order mark. */
  static String readText(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw JsonRecord.error(file, firstBadLine(bytes), "not UTF-8 text");
    }
    return text.startsWith("\uFEFF") ? text.substring(1) : text; // a BOM some editors write
  }

  private static int firstBadLine(byte[] bytes) {
    int line = 1;
    int start = 0;
    for (int i = 0; i <= bytes.length; i++) {
      if (i == bytes.length || bytes[i] == '\n') {
        try {
          StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes, start, i - start));
        } catch (CharacterCodingException e) {
          return line;
        }
        line++;
        start = i + 1;
      }
    }
    return line;
  }

  private static List<JsonRecord> readLinesAsObjects(Path file, List<String> lines, boolean objectsOnly) {
    List<JsonRecord> records = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      JsonNode node;
      try {
        node = LINE_JSON.readTree(line);
      } catch (StreamConstraintsException e) {
        throw JsonRecord.error(file, i + 1, BEYOND_LIMITS);
      } catch (JacksonException e) {
        throw JsonRecord.error(file, i + 1, "not valid JSON: " + e.getOriginalMessage());
      }
      records.add(record(file, i + 1, node, objectsOnly));
    }
    return records;
  }

  private static List<JsonRecord> readArray(Path file, String text, boolean objectsOnly) {
    List<JsonRecord> records = new ArrayList<>();
    int elementLine = 1; // where the element being read starts
    boolean inElement = false;
    try (JsonParser p = ARRAY_JSON.createParser(text)) {
      p.nextToken(); // [
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        if (t == null) {
          throw new JsonEOFException(p, null, "end of input inside the array");
        }
        elementLine = p.currentTokenLocation().getLineNr();
        inElement = true;
        JsonNode node = ARRAY_JSON.readTree(p);
        inElement = false;
        records.add(record(file, elementLine, node, objectsOnly));
      }
      if (p.nextToken() != null) {
        throw JsonRecord.error(file, p.currentTokenLocation().getLineNr(),
            "unexpected text after the JSON array");
      }
    } catch (JsonEOFException e) {
      // where the input ended says little; where the unfinished record began says where to look
      throw JsonRecord.error(file, elementLine, inElement
          ? "not valid JSON: the file ends inside this record"
          : "not valid JSON: the file ends before the JSON array is closed");
    } catch (StreamConstraintsException e) {
      throw JsonRecord.error(file, elementLine, BEYOND_LIMITS);
    } catch (JacksonException e) {
      JsonLocation where = e.getLocation();
      int at = where != null && where.getLineNr() > 0 ? where.getLineNr() : elementLine;
      throw JsonRecord.error(file, at, "not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    if (records.isEmpty()) {
      throw JsonRecord.error(file, 1, "the JSON array is empty");
    }
    return records;
  }

  private static JsonRecord record(Path file, int line, JsonNode node, boolean objectsOnly) {
    if (!node.isObject() && (objectsOnly || !node.isTextual())) {
      throw JsonRecord.error(file, line, "expected a JSON object" + (objectsOnly ? "" : " or string")
          + ", got " + JsonRecord.describe(node));
    }
    return new JsonRecord(file, line, node);
  }
}
