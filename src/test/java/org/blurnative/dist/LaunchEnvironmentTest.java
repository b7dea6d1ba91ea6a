package org.blurnative.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** torchrun's variables, and one sentence for each that makes no sense. */
class LaunchEnvironmentTest {
  static final Map<String, String> TORCHRUN = Map.of("RANK", "1", "WORLD_SIZE", "2", "LOCAL_RANK", "1",
      "LOCAL_WORLD_SIZE", "2", "MASTER_ADDR", "10.0.0.5", "MASTER_PORT", "29500");

  @Test
  void readsWhatTorchrunSets() {
    assertEquals(new LaunchEnvironment(1, 2, 1, 2, "10.0.0.5", 29500), LaunchEnvironment.from(TORCHRUN));
  }

  @Test
  void noWorldSizeOrOneIsOneProcess() {
    assertEquals(LaunchEnvironment.ONE_PROCESS, LaunchEnvironment.from(Map.of()));
    assertEquals(LaunchEnvironment.ONE_PROCESS, LaunchEnvironment.from(Map.of("WORLD_SIZE", "1", "RANK", "0")));
  }

  @Test
  void nonsenseIsOneSentenceNamingTheVariable() {
    assertEquals("RANK must be between 0 and 1, got 2", message(with("RANK", "2")));
    assertEquals("WORLD_SIZE must be a whole number, got 'two'", message(with("WORLD_SIZE", "two")));
    assertEquals("WORLD_SIZE must be between 1 and 1048576, got 0", message(with("WORLD_SIZE", "0")));
    assertEquals("MASTER_PORT must be between 1 and 65535, got 70000", message(with("MASTER_PORT", "70000")));
    assertEquals("LOCAL_RANK must be between 0 and 1, got 2", message(with("LOCAL_RANK", "2")));
    assertEquals("RANK is set but WORLD_SIZE is not: set both (torchrun does) or neither",
        message(Map.of("RANK", "0")));
    assertEquals("RANK must be between 0 and 0, got 1", message(Map.of("WORLD_SIZE", "1", "RANK", "1")));
    assertEquals("WORLD_SIZE is 2 but MASTER_ADDR is not set (torchrun sets RANK, MASTER_ADDR and MASTER_PORT with it)",
        message(Map.of("WORLD_SIZE", "2", "RANK", "0", "MASTER_PORT", "1")));
  }

  static Map<String, String> with(String name, String value) {
    Map<String, String> env = new HashMap<>(TORCHRUN);
    env.put(name, value);
    return env;
  }

  static String message(Map<String, String> env) {
    return assertThrows(IllegalArgumentException.class, () -> LaunchEnvironment.from(env)).getMessage();
  }
}
