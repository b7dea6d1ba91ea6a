package org.blurnative.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What --resume may change, what it refuses, and run.json files from older versions. */
class RunComparisonTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final List<String> KEYS = List.of("config", "settings", "world_size", "dist_mode", "precision");

  static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  @Test
  void aChangedMethodParameterIsRefusedAndTheLearningRateRecorded() throws Exception {
    JsonNode stored = json("{\"config\":{\"parameters\":{\"beta\":0.1}},\"settings\":{\"schedule\":{\"peak\":1e-5}},"
        + "\"world_size\":1,\"dist_mode\":\"replicated\",\"precision\":\"float32\"}");
    JsonNode now = json("{\"config\":{\"parameters\":{\"beta\":0.2}},\"settings\":{\"schedule\":{\"peak\":2e-5}},"
        + "\"world_size\":2,\"dist_mode\":\"sharded\",\"precision\":\"float32\"}");
    RunComparison c = RunComparison.of(stored, now, KEYS);
    assertEquals("options (config.parameters.beta: was 0.1, now 0.2)", c.forbidden().orElseThrow());
    assertEquals(List.of("settings.schedule.peak", "world_size", "dist_mode"),
        c.allowed().stream().map(RunComparison.Change::key).toList());
  }

  @Test
  void aPrecisionChangeIsRefused() throws Exception {
    RunComparison c = RunComparison.of(json("{\"precision\":\"bfloat16\"}"), json("{\"precision\":\"float32\"}"), KEYS);
    assertEquals("options (precision: was \"bfloat16\", now \"float32\")", c.forbidden().orElseThrow());
  }

  /** An older version wrote no dist_mode, precision or new method parameter: they ran as their defaults do now. */
  @Test
  void whatAnOlderRunJsonDoesNotRecordIsNotCompared() throws Exception {
    JsonNode stored = json("{\"config\":{\"parameters\":{\"beta\":0.1}},\"world_size\":1}");
    JsonNode now = json("{\"config\":{\"parameters\":{\"beta\":0.1,\"wgaBeta\":1.0}},\"world_size\":1,"
        + "\"dist_mode\":\"replicated\",\"precision\":\"float32\"}");
    RunComparison c = RunComparison.of(stored, now, KEYS);
    assertTrue(c.forbidden().isEmpty(), c.forbidden().toString());
    assertEquals(List.of(), c.allowed());
  }

  /** --gradient-checkpointing gives the same gradients to float rounding: a resumed run may switch it either way. */
  @Test
  void gradientCheckpointingMayBeSwitchedOnResume() throws Exception {
    RunComparison c = RunComparison.of(json("{\"settings\":{\"gradientCheckpointing\":false}}"),
        json("{\"settings\":{\"gradientCheckpointing\":true}}"), KEYS);
    assertTrue(c.forbidden().isEmpty(), c.forbidden().toString());
    assertEquals(List.of("settings.gradientCheckpointing"), c.allowed().stream().map(RunComparison.Change::key).toList());
  }
}
