package org.blurnative.dist;

import java.util.Locale;

/**
 * How the ranks split the flat buffers (--dist-mode, DESIGN.md §8).
 *
 * <ul>
 *   <li>{@code replicated} (DDP-like): every rank keeps all of θ and the optimizer state, G_f and G_r
 *       are all-reduced, every rank applies the same step to all of θ.
 *   <li>{@code sharded} (ZeRO-2-like): rank k keeps the optimizer state of its {@link Shard} only,
 *       G_f and G_r are reduce-scattered so that each rank receives the sum over its shard, the fused
 *       apply runs on the shard, and θ is all-gathered. The state's memory per rank divides by W.
 * </ul>
 */
public enum DistMode {
  REPLICATED,
  SHARDED;

  /** The mode as users type it; anything else is one IllegalArgumentException naming the flag. */
  public static DistMode parse(String text) {
    for (DistMode mode : values()) {
      if (mode.flag().equals(text)) {
        return mode;
      }
    }
    throw new IllegalArgumentException("--dist-mode must be replicated or sharded, got '" + text + "'");
  }

  public String flag() {
    return name().toLowerCase(Locale.ROOT);
  }
}
