package org.blurnative.dist;

import java.time.Duration;
import java.util.List;
import org.blurnative.kernel.GradientSums;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;

/**
 * What the ranks of a run do together (DESIGN.md §2 steps 4, 5 and 8, §8): the trainer calls the
 * same methods whatever the world size, and a one-process run's {@link #single()} does nothing.
 *
 * <p>Everything that decides what a step does (the summed gradients, (d, F, R), the losses) comes
 * out bit-identical on every rank, so replicas never drift apart: scalars are gathered and added
 * in rank order, never all-reduced in floating point, whose order the algorithm picks.
 *
 * <p>A rank that dies or stops answering makes every call on the others fail within the run's
 * timeout with a {@link RankLostException} naming it when that can be known.
 */
public interface Collective extends AutoCloseable {

  /** The world of one process: every method returns its input or does nothing. */
  static Collective single() {
    return SingleProcess.INSTANCE;
  }

  /**
   * This process's part of the run {@code launch} describes: c10d for more than one rank (Gloo
   * for buffers on the CPU, NCCL for buffers on {@code device} when it is a GPU), splitting the
   * buffers as {@code mode} says.
   */
  static Collective connect(LaunchEnvironment launch, Duration timeout, DistMode mode, Device device) {
    return launch.distributed() ? C10dCollective.connect(launch, timeout, mode, device) : single();
  }

  int rank();

  int worldSize();

  /**
   * Elements of a flat buffer over {@code n} parameters that this collective's calls take: n, or
   * (sharded) n padded with zeros to whole shards, W·{@link Shard#stride}.
   */
  long paddedLength(long n);

  /**
   * Step 4: over {@link #owned} at least, G_f and G_r become their sums over the ranks, in place,
   * the same bits on every rank that holds them (replicated: an all-reduce, so everywhere; sharded:
   * a reduce-scatter, so each rank's own shard). Both are {@link #paddedLength} long. The same
   * buffer twice (a single objective) is summed once.
   */
  void reduceGradients(Tensor gradForget, Tensor gradRetain);

  /** The part of a flat vector of {@code n} elements whose (d, F, R) this rank computes (step 5). */
  Shard shard(long n);

  /**
   * The part of θ (of {@code n} elements) that this rank updates and keeps the optimizer state of
   * (step 7): all of it when replicated, its {@link #shard} when sharded.
   */
  Shard owned(long n);

  /**
   * The optimizer state's pieces as a checkpoint stores them, by the rank that saves each: one
   * piece, rank 0's, when every rank keeps all of it; every rank's shard when sharded.
   */
  List<Shard> optimizerShards(long n);

  /** Step 5: every rank's sums over its {@link #shard}, added in rank order with GradientSums.plus. */
  GradientSums sumShards(GradientSums local);

  /** Each value summed over the ranks in rank order (losses): the same bits on every rank. */
  double[] sumInRankOrder(double... local);

  /**
   * Step 8: θ ({@link #paddedLength} long) whole on every rank again after each rank updated its
   * {@link #owned} part (replicated: nothing to do; sharded: an all-gather).
   */
  void gatherParameters(Tensor theta);

  /**
   * Every rank's {@code value} for {@code topic}, in rank order, once all ranks have given theirs:
   * for agreeing at start (the configuration, the step a resumed run starts from) and for one
   * rank's decision that the others follow. A topic is used once per run.
   */
  List<String> exchange(String topic, String value);

  @Override
  void close();
}
