package org.blurnative.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import org.blurnative.io.InputFiles;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Options from a JSON or YAML config file ({@code --config FILE}, YAML for .yaml/.yml): keys are
 * option names without the dashes ({"lr": 1e-5, "method": "blur-npo"}); flags on the command
 * line win over the file.
 */
final class ConfigFileDefaults implements IDefaultValueProvider {
  private final Map<String, String> values;

  private ConfigFileDefaults(Map<String, String> values) {
    this.values = values;
  }

  /** Reads {@code file} and checks every key against the command's options. */
  static ConfigFileDefaults read(Path file, CommandSpec command) {
    InputFiles.requireRegularFile("--config", file);
    JsonNode root;
    try {
      String text = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
          .decode(java.nio.ByteBuffer.wrap(java.nio.file.Files.readAllBytes(file))).toString();
      String name = file.getFileName().toString();
      boolean yaml = name.endsWith(".yaml") || name.endsWith(".yml");
      root = (yaml ? new ObjectMapper(new YAMLFactory()) : new ObjectMapper()).readTree(text);
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IllegalArgumentException("--config " + file + ": not UTF-8 text");
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
      throw new IllegalArgumentException("--config " + file + (line > 0 ? ":" + line : "")
          + ": not valid JSON/YAML (" + firstLine(e.getOriginalMessage()) + ")");
    } catch (IOException e) {
      throw new IllegalArgumentException("--config " + file + ": cannot be read (" + firstLine(e.getMessage()) + ")");
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("--config " + file + ": expected a mapping of option names to values");
    }
    Map<String, String> values = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals("config") || command.findOption("--" + e.getKey()) == null) {
        throw new IllegalArgumentException("--config " + file + ": unknown option '" + e.getKey() + "'");
      }
      if (e.getKey().equals("nproc")) {  // the workers read the same file: they would launch workers
        throw new IllegalArgumentException("--config " + file + ": 'nproc' starts processes; give --nproc on the command line");
      }
      JsonNode v = e.getValue();
      if (v.isArray()) {
        StringBuilder joined = new StringBuilder();
        v.forEach(x -> joined.append(joined.length() == 0 ? "" : ",").append(x.asText()));
        values.put(e.getKey(), joined.toString());
      } else if (v.isValueNode()) {
        values.put(e.getKey(), v.asText());
      } else {
        throw new IllegalArgumentException("--config " + file + ": '" + e.getKey() + "' must be a value or a list");
      }
    }
    return new ConfigFileDefaults(values);
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (arg instanceof OptionSpec option) {
      String value = values.get(option.longestName().replaceFirst("^--", ""));
      if (value != null) {
        return value;
      }
    }
    return arg.defaultValue();
  }

  /** A parser's message can span lines (YAML quotes the source); the first says what is wrong. */
  private static String firstLine(String message) {
    return String.valueOf(message).lines().findFirst().orElse("").strip();
  }
}
