package org.blurnative.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The expected values scripts/openunlearning_reference.py wrote from a float64 re-implementation of
 * open-unlearning's formulas (src/test/resources/eval/openunlearning/expected.json).
 */
public final class OpenUnlearningReference {
  private static JsonNode root;

  private OpenUnlearningReference() {}

  public static synchronized JsonNode get(String section) {
    if (root == null) {
      try (InputStream in = OpenUnlearningReference.class.getResourceAsStream("/eval/openunlearning/expected.json")) {
        root = new ObjectMapper().readTree(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return root.get(section);
  }

  public static double[] doubles(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asDouble();
    }
    return out;
  }

  public static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt();
    }
    return out;
  }
}
