package org.blurnative.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.blurnative.io.InputFiles;
import java.util.List;
import org.blurnative.data.DatasetFiles;
import org.blurnative.data.ExampleEncoder;
import org.blurnative.data.TextSplit;
import org.blurnative.data.TokenizedExample;
import org.blurnative.model.LlamaModel;
import org.blurnative.model.SafeTensors;

/** Loading what a command trains on, with one-sentence errors that name the flag. */
final class ModelInputs {
  private ModelInputs() {}

  /** A .txt file, or JSON records with a "text" field (judged by the first record). */
  private static boolean holdsText(Path file) {
    if (file.getFileName().toString().endsWith(".txt")) {
      return true;
    }
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (!line.isBlank()) {
          return line.contains("\"text\"");
        }
      }
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** A Hugging Face model directory, checked before anything heavy is read. */
  static LlamaModel loadModel(String flag, Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(flag + " " + dir + ": no such directory");
    }
    if (!Files.isRegularFile(dir.resolve("config.json"))) {
      throw new IllegalArgumentException(flag + " " + dir + " has no config.json");
    }
    if (!Files.isRegularFile(dir.resolve(SafeTensors.SINGLE_FILE))
        && !Files.isRegularFile(dir.resolve(SafeTensors.INDEX_FILE))) {
      throw new IllegalArgumentException(flag + " " + dir + " has no weights ("
          + SafeTensors.SINGLE_FILE + " or " + SafeTensors.INDEX_FILE + ")");
    }
    return LlamaModel.load(dir);
  }

  /**
   * Examples from one or more files: QA pairs (JSONL/JSON), or documents for text objectives
   * ({"text"} JSONL, or .txt with one document per line).
   */
  static List<TokenizedExample> examples(String flag, List<Path> files, boolean text, ExampleEncoder encoder) {
    List<TokenizedExample> out = new java.util.ArrayList<>();
    for (Path file : files) {
      InputFiles.requireRegularFile(flag, file);
      if (text && holdsText(file)) {
        DatasetFiles.readText(file, TextSplit.LINE_PER_DOCUMENT).forEach(r -> out.add(encoder.text(r.text())));
      } else {  // QA pairs; a text objective (RMU) then sees the formatted question and answer
        DatasetFiles.readQa(file).forEach(r -> out.add(encoder.qa(r)));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(flag + " " + files + " holds no examples");
    }
    return out;
  }
}
