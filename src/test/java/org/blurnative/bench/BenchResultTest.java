package org.blurnative.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The arithmetic of the report: bytes, GB/s and the ratios, on made-up timings. */
class BenchResultTest {

  private static Measurement m(long n, String backend, Op op, double... ms) {
    return new Measurement(n, "cpu", backend, op, java.util.Arrays.stream(ms).boxed().toList());
  }

  @Test
  void bytesAreTheLeastTrafficOfEachOp() {
    assertEquals(2 * 4 * 1000L, Op.REDUCE.bytes(1000));
    assertEquals(10 * 4 * 1000L, Op.STEP.bytes(1000));
    assertEquals(Op.STEP.bytes(1000), Op.COPY.bytes(1000));
    // bf16 mixed precision: 2-byte gradients, 4-byte θ, m, v, and the 2-byte working copy written
    assertEquals(2 * 2 * 1000L, Op.REDUCE_BF16.bytes(1000));
    assertEquals((2 * 2 + 3 * 4 + 2 * 2 + 3 * 4 + 2) * 1000L, Op.STEP_BF16.bytes(1000));
    assertEquals(Op.STEP_BF16.bytes(1000), Op.STEP_BF16_2PASS.bytes(1000));
    assertEquals("step-bf16-2pass", Op.STEP_BF16_2PASS.label());
  }

  @Test
  void medianIgnoresOutliers() {
    assertEquals(2.0, m(1, "cpu", Op.STEP, 9, 2, 1, 2, 3).medianMs());
    assertEquals(2.5, m(1, "cpu", Op.STEP, 9, 2, 1, 3).medianMs());
  }

  @Test
  void ratiosCompareWithPeersOfTheSameN() {
    long n = 1_000_000;  // step: 40 MB
    List<BenchResult> rows = BenchResult.compare(List.of(
        m(n, "copy", Op.COPY, 4),          // 10 GB/s
        m(n, "cpu", Op.STEP, 8),           // 5 GB/s
        m(n, "torch", Op.STEP, 24),
        m(n, "per-tensor", Op.STEP, 80),
        m(2 * n, "torch", Op.STEP, 1)));   // another n: not a peer
    BenchResult cpu = rows.get(1);
    assertEquals(5.0, cpu.gbPerSecond(), 1e-12);
    assertEquals(0.5, cpu.fractionOfCopy(), 1e-12);
    assertEquals(3.0, cpu.speedupVsTorch(), 1e-12);
    assertEquals(10.0, cpu.speedupVsPerTensor(), 1e-12);
    assertNull(rows.get(0).speedupVsTorch());  // the copy is the yardstick, not a contender
    assertNull(rows.get(4).fractionOfCopy());   // no copy was measured at 2n
    assertTrue(ResultTable.format(rows).contains("3.00x"));
  }
}
