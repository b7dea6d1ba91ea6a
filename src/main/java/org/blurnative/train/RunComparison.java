package org.blurnative.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What --resume may change in a run's run.json, and what it found changed. A run must continue
 * with the options that decide its data order, its rule and its optimizer; it may change the
 * options that only steer the rest of it ({@link #MAY_CHANGE}: its length, the learning rate a
 * diverging run needs lowered, clipping, how it is checkpointed, whether activations are
 * recomputed) and the paths of its inputs, whose contents are compared by hash instead. Allowed
 * changes are recorded in run.json's "resumes".
 */
public final class RunComparison {
  /** Leaves of run.json, as dotted paths, that --resume may change. */
  private static final Pattern MAY_CHANGE = Pattern.compile(String.join("|",
      "settings\\.steps", "settings\\.schedule\\.totalSteps",                     // --epochs, --max-steps
      "settings\\.schedule\\.peak",                                               // --lr
      "settings\\.clipNorm", "settings\\.maxSkips",                               // --clip, --max-skips
      "settings\\.checkpointEvery", "settings\\.checkpointSeconds", "settings\\.keep",
      "config\\.config_file", "config\\.(model|forget|retain|data)",               // paths, not contents
      "settings\\.gradientCheckpointing",                // the same gradients, to float rounding
      "world_size", "dist_mode",                          // the global batch is the same whatever the world
      "inputs\\.[^.]+\\[\\d+\\]\\.file"));

  /** One leaf that differs. */
  public record Change(String key, JsonNode was, JsonNode now) {
    @Override
    public String toString() {
      return key + ": was " + was + ", now " + now;
    }
  }

  private final List<Change> allowed;
  private final Change forbidden;  // the first, or null

  private RunComparison(List<Change> allowed, Change forbidden) {
    this.allowed = allowed;
    this.forbidden = forbidden;
  }

  /**
   * Compares the {@code keys} of run.json's {@code stored} with the resumed run's {@code now}. A leaf
   * the stored run.json lacks was written by a version without that option, which ran as its
   * default does now (dist_mode replicated, precision the model's own, a method parameter's
   * default): it is not compared.
   */
  static RunComparison of(JsonNode stored, JsonNode now, List<String> keys) {
    List<Change> all = new ArrayList<>();
    for (String key : keys) {
      collect(key, stored.path(key), now.path(key), all);
    }
    List<Change> allowed = all.stream().filter(c -> MAY_CHANGE.matcher(c.key()).matches()).toList();
    Change forbidden = all.stream().filter(c -> !MAY_CHANGE.matcher(c.key()).matches()).findFirst().orElse(null);
    return new RunComparison(allowed, forbidden);
  }

  /** The first leaf under {@code keys} where {@code a} and {@code b} differ, if any (ranks must agree on all). */
  public static Optional<Change> firstDifference(JsonNode a, JsonNode b, List<String> keys) {
    List<Change> all = new ArrayList<>();
    for (String key : keys) {
      collect(key, a.path(key), b.path(key), all);
    }
    return all.stream().findFirst();
  }

  /** The first difference --resume refuses, in words; empty when the run may continue. */
  public Optional<String> forbidden() {
    if (forbidden == null) {
      return Optional.empty();
    }
    Change c = forbidden;
    if (c.key().startsWith("inputs.") && c.key().endsWith(".sha256")) {
      String role = c.key().substring("inputs.".length(), c.key().indexOf('['));
      return Optional.of("inputs: the " + role + " file " + c.now().path("file").asText()
          + " has changed since the run started (sha256 was " + abbreviate(c.was().path("sha256"))
          + ", now " + abbreviate(c.now().path("sha256")) + ")");
    }
    return Optional.of("options (" + c + ")");
  }

  /** The changes --resume accepted. */
  public List<Change> allowed() {
    return allowed;
  }

  /**
   * run.json's "resumes" for the resumed run: the stored list and this resume (the step it
   * continued from and what it changed).
   */
  public static ArrayNode resumes(JsonNode stored, long fromStep, List<Change> changes) {
    ArrayNode list = stored.path("resumes").isArray() ? ((ArrayNode) stored.path("resumes")).deepCopy()
        : JsonNodeFactory.instance.arrayNode();
    ObjectNode entry = list.addObject();
    entry.put("from_step", fromStep);
    ObjectNode changed = entry.putObject("changed");
    for (Change c : changes) {
      changed.putObject(c.key()).set("was", c.was());
      ((ObjectNode) changed.get(c.key())).set("now", c.now());
    }
    return list;
  }

  private static String abbreviate(JsonNode sha) {
    String hex = sha.asText();
    return hex.length() > 12 ? hex.substring(0, 12) + "…" : hex;
  }

  /**
   * Every leaf where the two differ, objects walked by name. An input file (an element of
   * inputs.ROLE: {file, sha256}) differs by content (its whole element is the change) or only by
   * path.
   */
  private static void collect(String path, JsonNode was, JsonNode now, List<Change> out) {
    if (was.isMissingNode()) {
      return;  // an older version's run.json (see of)
    }
    if (was.isObject() && now.isObject()) {
      Set<String> names = new TreeSet<>();
      was.fieldNames().forEachRemaining(names::add);
      now.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        collect(path + "." + name, was.path(name), now.path(name), out);
      }
    } else if (path.startsWith("inputs.") && was.isArray() && now.isArray() && was.size() == now.size()) {
      for (int i = 0; i < was.size(); i++) {
        JsonNode a = was.get(i);
        JsonNode b = now.get(i);
        if (!a.path("sha256").equals(b.path("sha256"))) {
          out.add(new Change(path + "[" + i + "].sha256", a, b));
        } else if (!a.path("file").equals(b.path("file"))) {
          out.add(new Change(path + "[" + i + "].file", a.path("file"), b.path("file")));
        }
      }
    } else if (!was.equals(now)) {
      out.add(new Change(path, was, now));
    }
  }
}
