package org.blurnative.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** DESIGN.md §8's shards: contiguous, 64-element multiples, covering the vector exactly once. */
class ShardTest {
  @Test
  void shardsTileTheVectorInAlignedPieces() {
    for (long n : new long[] {0, 1, 63, 64, 65, 1000, 3 * 65_536 + 17}) {
      for (int world = 1; world <= 5; world++) {
        long next = 0;
        for (int rank = 0; rank < world; rank++) {
          Shard s = Shard.of(rank, world, n);
          assertEquals(next, s.offset(), "n " + n + " world " + world + " rank " + rank);
          if (rank + 1 < world && s.offset() + s.length() < n) {
            assertEquals(0, s.length() % Shard.ALIGNMENT, "only the last shard may be ragged: " + s);
          }
          next = s.offset() + s.length();
        }
        assertEquals(n, next, "n " + n + " world " + world);
      }
    }
  }

  @Test
  void theLastShardsMayBeShortOrEmpty() {
    assertEquals(new Shard(0, 64), Shard.of(0, 3, 100));
    assertEquals(new Shard(64, 36), Shard.of(1, 3, 100));
    assertEquals(new Shard(100, 0), Shard.of(2, 3, 100));
    assertEquals(new Shard(0, 100), Shard.of(0, 1, 100));
  }

  @Test
  void aRankOutsideTheWorldIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> Shard.of(2, 2, 10));
    assertThrows(IllegalArgumentException.class, () -> Shard.of(-1, 2, 10));
  }
}
