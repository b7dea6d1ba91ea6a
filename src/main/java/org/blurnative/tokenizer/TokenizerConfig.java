package org.blurnative.tokenizer;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The parts of a model directory's tokenizer_config.json that change what ids we produce or how we
 * format prompts. Absent keys stay empty, so that callers can tell "not said" from "false".
 *
 * @param addBosToken add_bos_token: prepend BOS when encoding with special tokens
 * @param addEosToken add_eos_token: append EOS when encoding with special tokens
 * @param chatTemplate chat_template (or chat_template.jinja next to it), the Jinja text
 */
public record TokenizerConfig(
    Optional<Boolean> addBosToken,
    Optional<Boolean> addEosToken,
    Optional<String> bosToken,
    Optional<String> eosToken,
    Optional<String> padToken,
    Optional<String> unkToken,
    Optional<String> chatTemplate) {

  public static final String FILE_NAME = "tokenizer_config.json";
  /** Newer transformers save the template beside the config instead of inside it. */
  static final String CHAT_TEMPLATE_FILE = "chat_template.jinja";

  private static final ObjectMapper JSON = new ObjectMapper();

  public static TokenizerConfig empty() {
    return new TokenizerConfig(
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** Reads {@code directory}/tokenizer_config.json; empty when the file is not there. */
  public static TokenizerConfig read(Path directory) {
    Path file = directory.resolve(FILE_NAME);
    TokenizerConfig config = Files.isRegularFile(file) ? parse(file) : empty();
    Path template = directory.resolve(CHAT_TEMPLATE_FILE);
    if (config.chatTemplate.isEmpty() && Files.isRegularFile(template)) {
      try {
        String text = Files.readString(template, StandardCharsets.UTF_8);
        config = new TokenizerConfig(config.addBosToken, config.addEosToken, config.bosToken,
            config.eosToken, config.padToken, config.unkToken, Optional.of(text));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + template, e);
      }
    }
    return config;
  }

  private static TokenizerConfig parse(Path file) {
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (JacksonException e) {
      throw new IllegalArgumentException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(file + ": expected a JSON object");
    }
    return new TokenizerConfig(
        flag(root, "add_bos_token", file),
        flag(root, "add_eos_token", file),
        token(root, "bos_token", file),
        token(root, "eos_token", file),
        token(root, "pad_token", file),
        token(root, "unk_token", file),
        chatTemplate(root, file));
  }

  private static Optional<Boolean> flag(JsonNode root, String key, Path file) {
    JsonNode v = root.get(key);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isBoolean()) {
      throw new IllegalArgumentException(file + ": \"" + key + "\" must be true or false, got " + v);
    }
    return Optional.of(v.booleanValue());
  }

  /** A token is saved either as its string or as an AddedToken object with "content". */
  private static Optional<String> token(JsonNode root, String key, Path file) {
    JsonNode v = root.get(key);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (v.isTextual()) {
      return Optional.of(v.textValue());
    }
    if (v.isObject() && v.path("content").isTextual()) {
      return Optional.of(v.get("content").textValue());
    }
    throw new IllegalArgumentException(
        file + ": \"" + key + "\" must be a string or an object with \"content\", got " + v);
  }

  /** A single template, or a list of named ones of which "default" is the chat template. */
  private static Optional<String> chatTemplate(JsonNode root, Path file) {
    JsonNode v = root.get("chat_template");
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (v.isTextual()) {
      return Optional.of(v.textValue());
    }
    if (v.isArray()) {
      for (JsonNode named : v) {
        if ("default".equals(named.path("name").asText()) && named.path("template").isTextual()) {
          return Optional.of(named.get("template").textValue());
        }
      }
    }
    throw new IllegalArgumentException(
        file + ": \"chat_template\" must be a string or a list with a template named \"default\"");
  }
}
