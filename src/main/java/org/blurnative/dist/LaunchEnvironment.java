package org.blurnative.dist;

import java.util.Map;

/**
 * Where this process sits in a run, read from the variables torchrun sets: RANK, WORLD_SIZE,
 * LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT. Without WORLD_SIZE (or with 1) the run
 * is one process and the others are not needed.
 *
 * @param localRank this process's index on its machine: the GPU a NCCL rank will take; on the CPU
 *     it is only checked
 * @param localWorldSize ranks on this machine, which share its cores (1 when not given)
 * @param masterAddr where rank 0's rendezvous store listens (null for one process)
 */
public record LaunchEnvironment(int rank, int worldSize, int localRank, int localWorldSize,
    String masterAddr, int masterPort) {

  public static final LaunchEnvironment ONE_PROCESS = new LaunchEnvironment(0, 1, 0, 1, null, 0);

  /** Reads {@code env}; a variable that makes no sense is one IllegalArgumentException naming it. */
  public static LaunchEnvironment from(Map<String, String> env) {
    if (env.get("WORLD_SIZE") == null) {
      if (env.get("RANK") != null) {
        throw new IllegalArgumentException("RANK is set but WORLD_SIZE is not: set both (torchrun does) or neither");
      }
      return ONE_PROCESS;
    }
    int world = integer(env, "WORLD_SIZE", 1, 1 << 20);
    if (world == 1) {
      if (env.get("RANK") != null) {
        integer(env, "RANK", 0, 0);
      }
      return ONE_PROCESS;
    }
    for (String name : new String[] {"RANK", "MASTER_ADDR", "MASTER_PORT"}) {
      if (env.get(name) == null || env.get(name).isBlank()) {
        throw new IllegalArgumentException("WORLD_SIZE is " + world + " but " + name + " is not set"
            + " (torchrun sets RANK, MASTER_ADDR and MASTER_PORT with it)");
      }
    }
    int rank = integer(env, "RANK", 0, world - 1);
    boolean localWorldGiven = env.get("LOCAL_WORLD_SIZE") != null;
    int localWorld = localWorldGiven ? integer(env, "LOCAL_WORLD_SIZE", 1, world) : 1;
    int localRank = env.get("LOCAL_RANK") == null ? 0
        : integer(env, "LOCAL_RANK", 0, (localWorldGiven ? localWorld : world) - 1);
    int port = integer(env, "MASTER_PORT", 1, 65_535);
    return new LaunchEnvironment(rank, world, localRank, localWorld, env.get("MASTER_ADDR").strip(), port);
  }

  public boolean distributed() {
    return worldSize > 1;
  }

  private static int integer(Map<String, String> env, String name, int min, int max) {
    String text = env.get(name).strip();
    int value;
    try {
      value = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, got '" + text + "'");
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }
}
