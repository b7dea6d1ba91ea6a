package org.blurnative.cli;

import static org.bytedeco.pytorch.global.torch.isfinite;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.blurnative.data.DatasetFiles;
import org.blurnative.data.ExampleEncoder;
import org.blurnative.data.QaRecord;
import org.blurnative.data.TextSplit;
import org.blurnative.data.TokenizedExample;
import org.blurnative.io.FileErrors;
import org.blurnative.io.InputFiles;
import org.blurnative.model.Dtype;
import org.blurnative.model.LlamaModel;
import org.blurnative.model.SafeTensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;

/** Loading what a command trains on, with one-sentence errors that name the flag. */
final class ModelInputs {
  private ModelInputs() {}

  /**
   * A Hugging Face model directory, loaded onto {@code device}, checked before anything heavy is
   * read, and its weights checked after: a model with NaN or infinite weights (a diverged run's) would skip every training step
   * and be written out as it came.
   */
  static LlamaModel loadModel(String flag, Path dir, Device device) throws IOException {
    return loadModel(flag, dir, null, device);
  }

  /** As {@link #loadModel(String, Path, Device)}, converted to {@code dtype} (null: the config's). */
  static LlamaModel loadModel(String flag, Path dir, Dtype dtype, Device device) throws IOException {
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
    LlamaModel model = LlamaModel.load(dir, dtype, device);
    try {
      requireFiniteWeights(flag, dir, model);
    } catch (IllegalArgumentException e) {
      model.close();
      throw e;
    }
    return model;
  }

  /** One isfinite-all per tensor; the first tensor that fails, and how many do, name the damage. */
  private static void requireFiniteWeights(String flag, Path dir, LlamaModel model) {
    String first = null;
    int damaged = 0;
    try (PointerScope scope = new PointerScope()) {
      for (Map.Entry<String, Tensor> e : model.parameters().entrySet()) {
        if (!isfinite(e.getValue()).all().item_bool()) {
          first = first == null ? e.getKey() : first;
          damaged++;
        }
      }
    }
    if (damaged > 0) {
      throw new IllegalArgumentException(flag + " " + dir + ": " + damaged + " of "
          + model.parameters().size() + " weight tensors hold NaN or infinite values, the first "
          + first + "; the model cannot be trained or evaluated");
    }
  }

  /**
   * Examples from one or more files: QA pairs (JSONL/JSON), or documents for text objectives
   * ({"text"} JSONL, or .txt with one document per line).
   */
  static List<TokenizedExample> examples(String flag, List<Path> files, boolean text, ExampleEncoder encoder) {
    return examples(flag, files, text, encoder, UnaryOperator.identity());
  }

  /** As above, each QA pair passed through {@code answers} first (IdkNLL's "I don't know" answers). */
  static List<TokenizedExample> examples(String flag, List<Path> files, boolean text, ExampleEncoder encoder,
      UnaryOperator<QaRecord> answers) {
    List<TokenizedExample> out = new ArrayList<>();
    for (Path file : files) {
      InputFiles.requireRegularFile(flag, file);
      boolean plainText = isPlainText(file);
      String head = firstNonBlankLine(flag, file);
      // an empty file counts as JSON here, so that the reader's "the file is empty" is the error
      boolean json = !plainText && (head.isEmpty() || head.startsWith("{") || head.startsWith("["));
      if (text && (plainText || head.contains("\"text\""))) {
        DatasetFiles.readText(file, TextSplit.LINE_PER_DOCUMENT).forEach(r -> out.add(encoder.text(r.text())));
      } else if (!json) {
        throw new IllegalArgumentException(flag + " " + file + (text
            ? ": text data must be a .txt file, or JSON or JSONL of {\"text\"} records or QA pairs"
            : ": QA data must be JSON or JSONL (plain text is for the RMU methods)"));
      } else {  // QA pairs; a text objective (RMU) then sees the formatted question and answer
        DatasetFiles.readQa(file).forEach(r -> out.add(encoder.qa(answers.apply(r))));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(flag + " " + files + " holds no examples");
    }
    return out;
  }

  /**
   * Each QA record's question with its "alternate" answer, in file order: the preferred answers of
   * the dpo methods, row for row with {@link #examples} of the same files.
   */
  static List<TokenizedExample> alternates(String flag, List<Path> files, ExampleEncoder encoder) {
    List<TokenizedExample> out = new ArrayList<>();
    for (Path file : files) {
      try {
        DatasetFiles.readAlternateQa(file).forEach(r -> out.add(encoder.qa(r)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(flag + " " + e.getMessage() + " (the dpo methods prefer each record's"
            + " \"alternate\" answer to its \"answer\"; idkdpo prefers \"I don't know\")", e);
      }
    }
    return out;
  }

  private static boolean isPlainText(Path file) {
    return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".txt");
  }

  /**
   * The file's first line that is not blank, stripped and without a byte order mark, to judge its
   * format by; "" when there is none. Bytes that are not UTF-8 are replaced here: the reader
   * reports them with their line.
   */
  private static String firstNonBlankLine(String flag, Path file) {
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String stripped = line.replace("\uFEFF", "").strip();
        if (!stripped.isEmpty()) {
          return stripped;
        }
      }
      return "";
    } catch (IOException e) {
      throw new IllegalArgumentException(flag + " " + file + ": cannot be read (" + FileErrors.reason(e) + ")", e);
    }
  }
}
