package org.blurnative.dist;

import java.util.List;
import org.blurnative.kernel.GradientSums;
import org.bytedeco.pytorch.Tensor;

/** The world of one process: nothing to exchange, so every call returns its input unchanged. */
final class SingleProcess implements Collective {
  static final SingleProcess INSTANCE = new SingleProcess();

  private SingleProcess() {}

  @Override
  public int rank() {
    return 0;
  }

  @Override
  public int worldSize() {
    return 1;
  }

  @Override
  public long paddedLength(long n) {
    return n;
  }

  @Override
  public void reduceGradients(Tensor gradForget, Tensor gradRetain) {}

  @Override
  public Shard shard(long n) {
    return new Shard(0, n);
  }

  @Override
  public Shard owned(long n) {
    return new Shard(0, n);
  }

  @Override
  public List<Shard> optimizerShards(long n) {
    return List.of(new Shard(0, n));
  }

  @Override
  public GradientSums sumShards(GradientSums local) {
    return local;
  }

  @Override
  public double[] sumInRankOrder(double... local) {
    return local;
  }

  @Override
  public void gatherParameters(Tensor theta) {}

  @Override
  public List<String> exchange(String topic, String value) {
    return List.of(value);
  }

  @Override
  public void close() {}
}
