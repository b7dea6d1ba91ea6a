package org.blurnative.bench;

import java.util.List;
import java.util.function.Function;

/**
 * One family of rows in the report: a backend on a device, the ops it is timed on, and how to
 * build its contender for a given n. Kernels are opened once per sweep; contenders, which own
 * memory, once per n.
 */
record Lane(BenchDevice device, String backend, List<Op> ops, Function<Workload, Contender> contender) {

  static final List<Op> UPDATE_OPS = List.of(Op.REDUCE, Op.STEP);

  /** bf16 mixed precision: the reduce over bf16 gradients, the step with the copy fused and not. */
  static final List<Op> MIXED_OPS = List.of(Op.REDUCE_BF16, Op.STEP_BF16, Op.STEP_BF16_2PASS);

  Lane {
    ops = List.copyOf(ops);
  }
}
