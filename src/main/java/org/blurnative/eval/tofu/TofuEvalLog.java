package org.blurnative.eval.tofu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads a per-sample log of TOFU's own evaluation (eval_log.json, eval_log_forget.json,
 * eval_real_author_wo_options.json, eval_real_world_wo_options.json), so that published logs, such
 * as the retain model's, can be scored here. The file maps each metric to {index → value}; only
 * the fields the metrics use are read, in the file's order.
 */
public final class TofuEvalLog {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TofuEvalLog() {}

  public static List<TofuLogEntry> read(Path file) {
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read TOFU evaluation log " + file, e);
    }
    JsonNode gt = field(root, "avg_gt_loss", file);
    JsonNode para = field(root, "avg_paraphrased_loss", file);
    JsonNode pert = field(root, "average_perturb_loss", file);
    JsonNode text = field(root, "generated_text", file);
    JsonNode rougeL = field(root, "rougeL_recall", file);
    JsonNode rouge1 = root.path("rouge1_recall");
    List<TofuLogEntry> entries = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = gt.fields(); it.hasNext(); ) {
      String i = it.next().getKey();
      JsonNode triple = at(text, i, "generated_text", file);
      JsonNode perturbed = at(pert, i, "average_perturb_loss", file);
      double[] perturbedNlls = new double[perturbed.size()];
      for (int k = 0; k < perturbedNlls.length; k++) {
        perturbedNlls[k] = perturbed.get(k).asDouble();
      }
      entries.add(new TofuLogEntry(i,
          triple.get(0).asText(), triple.get(1).asText(), triple.get(2).asText(),
          gt.get(i).asDouble(), at(para, i, "avg_paraphrased_loss", file).asDouble(), perturbedNlls,
          at(rougeL, i, "rougeL_recall", file).asDouble(), rouge1.path(i).asDouble(Double.NaN)));
    }
    return entries;
  }

  /** The split's log inside a TOFU evaluation directory. */
  public static List<TofuLogEntry> read(Path directory, TofuSplit split) {
    return read(directory.resolve(split.logFile()));
  }

  private static JsonNode field(JsonNode root, String name, Path file) {
    JsonNode node = root.get(name);
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(file + " is not a TOFU evaluation log: it has no '" + name + "' map");
    }
    return node;
  }

  private static JsonNode at(JsonNode map, String index, String name, Path file) {
    JsonNode node = map.get(index);
    if (node == null) {
      throw new IllegalArgumentException(file + ": sample " + index + " has no '" + name + "'");
    }
    return node;
  }
}
