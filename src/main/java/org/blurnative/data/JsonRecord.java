package org.blurnative.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One JSON object of a data file and where it came from, with typed field access whose errors read
 * "FILE:LINE: what is wrong".
 */
final class JsonRecord {

  private final Path file;
  private final int line;
  private final JsonNode node;

  JsonRecord(Path file, int line, JsonNode node) {
    this.file = file;
    this.line = line;
    this.node = node;
  }

  static IllegalArgumentException error(Path file, int line, String what) {
    return new IllegalArgumentException(file + ":" + line + ": " + what);
  }

  IllegalArgumentException error(String what) {
    return error(file, line, what);
  }

  /** The record itself when it is a bare, non-empty JSON string; empty when it is an object. */
  Optional<String> bareString() {
    if (!node.isTextual()) {
      return Optional.empty();
    }
    if (node.textValue().isEmpty()) {
      throw error("the string is empty");
    }
    return Optional.of(node.textValue());
  }

  /** A string that must be there and not be empty. */
  String requiredString(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw error("missing field \"" + field + "\"");
    }
    String s = string(field, v);
    if (s.isEmpty()) {
      throw error("field \"" + field + "\" is empty");
    }
    return s;
  }

  /** A string that may be absent or null. */
  Optional<String> optionalString(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    return Optional.of(string(field, v));
  }

  /** An array of strings; absent or null gives an empty list unless {@code required}. */
  List<String> stringList(String field, boolean required) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw error("missing field \"" + field + "\"");
      }
      return List.of();
    }
    if (!v.isArray()) {
      throw error("field \"" + field + "\" must be an array of strings, got " + describe(v));
    }
    List<String> out = new ArrayList<>(v.size());
    for (int i = 0; i < v.size(); i++) {
      JsonNode element = v.get(i);
      if (!element.isTextual()) {
        throw error("field \"" + field + "\"[" + i + "] must be a string, got " + describe(element));
      }
      out.add(element.textValue());
    }
    if (required && out.isEmpty()) {
      throw error("field \"" + field + "\" is empty");
    }
    return List.copyOf(out);
  }

  /** The raw value, for fields with more than one accepted type. */
  JsonNode get(String field) {
    return node.get(field);
  }

  private String string(String field, JsonNode v) {
    if (!v.isTextual()) {
      throw error("field \"" + field + "\" must be a string, got " + describe(v));
    }
    return v.textValue();
  }

  /** The JSON type of a value and, when short, the value itself. */
  static String describe(JsonNode v) {
    String type = switch (v.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> v.getNodeType().toString().toLowerCase();
    };
    String text = v.toString();
    return v.isContainerNode() || text.length() > 40 ? type : type + " " + text;
  }
}
