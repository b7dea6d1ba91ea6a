package org.blurnative.dist;

import static org.bytedeco.pytorch.global.torch.ScalarType;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.blurnative.kernel.GradientSums;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.ByteVector;
import org.bytedeco.pytorch.IntOptional;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Backend;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.StringVector;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.Work;
import org.bytedeco.pytorch.global.torch;

/**
 * c10d: a TCPStore rendezvous on MASTER_ADDR:MASTER_PORT, served by rank 0, and one process group
 * ({@link ProcessGroups}: Gloo for host memory, NCCL for CUDA devices), in either {@link DistMode}. Replicated (DDP-like): every rank holds all of θ
 * and the optimizer state, G_f and G_r are all-reduced, and every rank applies the same fused step.
 * Sharded (ZeRO-2-like): G_f and G_r are reduce-scattered, each rank applies the step to its own
 * shard of θ with the optimizer state of that shard only, and θ is all-gathered.
 *
 * <p>Gloo's ring all-reduce computes each element's sum on one rank and copies it to the others,
 * so the summed gradients are the same bits everywhere; (d, F, R) and the losses are gathered as
 * per-rank values and added in rank order here. Each of G_f and G_r is one flat buffer, so it is
 * one all-reduce (or reduce-scatter) already (Gloo cuts it into chunks for the ring); there is
 * nothing to bucket. Bytes each rank sends per step, for n parameters of 4 bytes: replicated, two
 * ring all-reduces, 2·2·(W−1)/W·4n; sharded, two reduce-scatters and one all-gather, 3·(W−1)/W·4n;
 * plus 32·W bytes of (d, F, R, flag) and the losses.
 *
 * <p>Every wait is bounded by the run's timeout. The store has three clients in this process (the
 * calling thread's, the process group's, the heartbeat thread's): c10d aborts when two groups
 * share one Java Store object (docs/libtorch-notes.md).
 */
final class C10dCollective implements Collective {
  private static final String KEY = "blur/";

  private final int rank;
  private final int worldSize;
  private final Duration timeout;
  private final TCPStore store;
  private final TCPStore groupStore;
  private final TCPStore heartbeatStore;
  private final Backend group;
  private final Device device;  // where the buffers the group moves live
  private final Heartbeats heartbeats;
  private final DistMode mode;
  private final ShardBuffers shardBuffers = new ShardBuffers();
  private boolean broken;

  private C10dCollective(LaunchEnvironment launch, Duration timeout, DistMode mode, TCPStore store,
      TCPStore groupStore, TCPStore heartbeatStore, Backend group, Device device) {
    this.device = device;
    this.mode = mode;
    this.rank = launch.rank();
    this.worldSize = launch.worldSize();
    this.timeout = timeout;
    this.store = store;
    this.groupStore = groupStore;
    this.heartbeatStore = heartbeatStore;
    this.group = group;
    this.heartbeats = new Heartbeats(heartbeatStore, rank, worldSize);
  }

  /**
   * Joins the run {@code launch} describes. A port in use, a store that cannot be reached, two
   * processes with one RANK or a rank that does not come are each one IllegalArgumentException.
   */
  static C10dCollective connect(LaunchEnvironment launch, Duration timeout, DistMode mode, Device device) {
    quietC10Logging();
    InetAddress master;
    try {
      master = InetAddress.getByName(launch.masterAddr());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("MASTER_ADDR '" + launch.masterAddr() + "' is not a known host name or address");
    }
    TCPStore store = openStore(launch, timeout, launch.rank() == 0);
    List<Integer> missing;
    try {
      missing = BoundedCall.within(timeout.plus(Heartbeats.ANSWER), () -> {
        if (store.add(KEY + "rank/" + launch.rank(), 1) > 1) {
          throw new IllegalArgumentException("another process already joined this run as RANK " + launch.rank()
              + ": give every process its own RANK");
        }
        return missing(store, "rank/", launch.worldSize(), timeout);
      });
    } catch (TimeoutException e) {
      throw new IllegalArgumentException("rank 0's rendezvous store at " + launch.masterAddr() + ":"
          + launch.masterPort() + " accepted the connection but did not answer within " + seconds(timeout));
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(ranks(missing) + " did not join within " + seconds(timeout)
          + " (started? with MASTER_ADDR " + launch.masterAddr() + ", MASTER_PORT " + launch.masterPort()
          + " and WORLD_SIZE " + launch.worldSize() + "?)");
    }
    TCPStore groupStore = openStore(launch, timeout, false);
    Backend group;
    try {
      group = ProcessGroups.create(groupStore, launch, timeout, master, device);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("cannot connect the ranks' process group: " + reason(e));
    }
    return new C10dCollective(launch, timeout, mode, store, groupStore, openStore(launch, timeout, false), group,
        device);
  }

  /**
   * Rank 0 serves the store (and is also its client); the others connect to it, given up on after
   * {@code timeout} (c10d itself retries for about twice as long).
   */
  private static TCPStore openStore(LaunchEnvironment launch, Duration timeout, boolean server) {
    TCPStoreOptions options = new TCPStoreOptions();
    options.port((short) launch.masterPort()).isServer(server).waitWorkers(false).timeout(milliseconds(timeout));
    if (server) {
      listenOnMasterAddress(launch, options);
    }
    try {
      return BoundedCall.within(timeout, () -> new TCPStore(launch.masterAddr(), options));
    } catch (TimeoutException | RuntimeException e) {
      String reason = reason(e);
      if (server && reason.contains("EADDRINUSE")) {
        throw new IllegalArgumentException("MASTER_PORT " + launch.masterPort()
            + " is in use on this machine: choose another port, or stop what holds it");
      }
      throw new IllegalArgumentException("cannot reach rank 0's rendezvous store at " + launch.masterAddr() + ":"
          + launch.masterPort() + " within " + seconds(timeout) + " (is rank 0 running, and MASTER_ADDR its address?)"
          + (e instanceof TimeoutException ? "" : ": " + reason));
    }
  }

  /**
   * The store's socket on MASTER_ADDR's address alone ({@link StoreListener}); where the JVM
   * cannot hand c10d a socket, c10d listens on every interface, and stderr says so once.
   */
  private static void listenOnMasterAddress(LaunchEnvironment launch, TCPStoreOptions options) {
    OptionalInt fd;
    try {
      fd = StoreListener.bind(InetAddress.getByName(launch.masterAddr()), launch.masterPort());
    } catch (java.net.BindException e) {
      if (String.valueOf(e.getMessage()).contains("in use")) {
        throw new IllegalArgumentException("MASTER_PORT " + launch.masterPort()
            + " is in use on this machine: choose another port, or stop what holds it");
      }
      throw new IllegalArgumentException("MASTER_ADDR " + launch.masterAddr() + " is not an address of rank 0's machine,"
          + " where the rendezvous store listens (" + e.getMessage() + ")");
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("cannot listen on MASTER_ADDR " + launch.masterAddr() + ":" + launch.masterPort()
          + ": " + e.getMessage());
    }
    if (fd.isPresent()) {
      options.masterListenFd(new IntOptional(fd.getAsInt()));
    } else {
      System.err.println("warning: the rendezvous store listens on every interface, not only MASTER_ADDR's: run the jar"
          + " (its manifest opens java.base/sun.nio.ch), or start java with --add-opens java.base/sun.nio.ch=ALL-UNNAMED");
    }
  }

  /**
   * c10d logs every retry and timeout to stderr with a C++ stack trace; each failure reaches the
   * user as one line of ours instead, so its log is raised to fatal-only (c10's caffe2_log_level 3).
   */
  private static synchronized void quietC10Logging() {
    if (!torch.CommandLineFlagsHasBeenParsed()) {
      try (IntPointer argc = new IntPointer(1).put(2);
          PointerPointer<BytePointer> argv = new PointerPointer<>("blur-native", "--caffe2_log_level=3")) {
        torch.ParseCommandLineFlags(argc, argv);
      }
      torch.UpdateLoggingLevelsFromFlags();
    }
  }

  @Override
  public int rank() {
    return rank;
  }

  @Override
  public int worldSize() {
    return worldSize;
  }

  @Override
  public long paddedLength(long n) {
    return switch (mode) {
      case REPLICATED -> n;
      case SHARDED -> worldSize * Shard.stride(worldSize, n);
    };
  }

  @Override
  public void reduceGradients(Tensor gradForget, Tensor gradRetain) {
    switch (mode) {
      case REPLICATED -> allReduce(gradForget, gradRetain);
      case SHARDED -> reduceScatter(gradForget, gradRetain);
    }
  }

  private void allReduce(Tensor gradForget, Tensor gradRetain) {
    try {
      Work forget = group.allreduce(new TensorVector(gradForget));
      Work retain = gradRetain == gradForget ? null : group.allreduce(new TensorVector(gradRetain));
      forget._wait(milliseconds(timeout));
      if (retain != null) {
        retain._wait(milliseconds(timeout));
      }
    } catch (RuntimeException e) {
      throw lost("the all-reduce of the gradients", e);
    }
  }

  /**
   * Each rank's stride-long piece of the padded buffers, summed over the ranks, lands in that
   * rank's piece of its own buffers; the other pieces keep this rank's partial sums, which
   * nothing reads. Gloo writes the sum into a buffer of its own (in-place is not promised), which
   * is copied back: S elements, against the W·S the collective moves.
   */
  private void reduceScatter(Tensor gradForget, Tensor gradRetain) {
    long stride = strideOf(gradForget);
    try {
      Tensor forgetSum = shardBuffers.get(0, gradForget, stride);
      Tensor retainSum = gradRetain == gradForget ? null : shardBuffers.get(1, gradRetain, stride);
      Work forget = group._reduce_scatter_base(forgetSum, gradForget);
      Work retain = retainSum == null ? null : group._reduce_scatter_base(retainSum, gradRetain);
      forget._wait(milliseconds(timeout));
      gradForget.narrow(0, rank * stride, stride).copy_(forgetSum);
      if (retain != null) {
        retain._wait(milliseconds(timeout));
        gradRetain.narrow(0, rank * stride, stride).copy_(retainSum);
      }
    } catch (RuntimeException e) {
      throw lost("the reduce-scatter of the gradients", e);
    }
  }

  /** S of a buffer padded to whole shards (a buffer of any other length is a caller's bug). */
  private long strideOf(Tensor padded) {
    if (padded.numel() % worldSize != 0) {
      throw new IllegalStateException("a buffer of " + padded.numel() + " elements is not padded to " + worldSize + " shards");
    }
    return padded.numel() / worldSize;
  }

  @Override
  public Shard shard(long n) {
    return Shard.of(rank, worldSize, n);
  }

  @Override
  public Shard owned(long n) {
    return switch (mode) {
      case REPLICATED -> new Shard(0, n);
      case SHARDED -> shard(n);
    };
  }

  @Override
  public List<Shard> optimizerShards(long n) {
    return switch (mode) {
      case REPLICATED -> List.of(new Shard(0, n));
      case SHARDED -> IntStream.range(0, worldSize).mapToObj(r -> Shard.of(r, worldSize, n)).toList();
    };
  }

  @Override
  public GradientSums sumShards(GradientSums local) {
    double[][] all = gather("the sums (d, F, R)", local.dot(), local.ff(), local.rr(), local.nonFinite() ? 1 : 0);
    GradientSums total = null;
    for (double[] s : all) {
      GradientSums shard = new GradientSums(s[0], s[1], s[2], s[3] != 0);
      total = total == null ? shard : total.plus(shard);
    }
    return total;
  }

  @Override
  public double[] sumInRankOrder(double... local) {
    double[][] all = gather("the losses", local);
    double[] total = all[0].clone();
    for (int r = 1; r < worldSize; r++) {
      for (int i = 0; i < total.length; i++) {
        total[i] += all[r][i];
      }
    }
    return total;
  }

  /** Every rank's {@code values}, by rank: an all-gather, which copies bits and adds nothing. */
  private double[][] gather(String what, double... values) {
    TensorOptions float64 = new TensorOptions(ScalarType.Double);
    try (Tensor host = torch.empty(new long[] {values.length}, float64, new MemoryFormatOptional());
        Tensor mine = host.to(device, ScalarType.Double);  // NCCL moves device memory only
        Tensor all = torch.empty(new long[] {(long) worldSize * values.length}, float64.device(new DeviceOptional(device)),
            new MemoryFormatOptional())) {
      host.data_ptr_double().put(values);
      mine.copy_(host);
      group._allgather_base(all, mine)._wait(milliseconds(timeout));
      double[] flat = new double[worldSize * values.length];
      try (Tensor back = all.cpu()) {
        back.data_ptr_double().get(flat);
      }
      double[][] byRank = new double[worldSize][];
      for (int r = 0; r < worldSize; r++) {
        byRank[r] = Arrays.copyOfRange(flat, r * values.length, (r + 1) * values.length);
      }
      return byRank;
    } catch (RuntimeException e) {
      throw lost("the exchange of " + what, e);
    }
  }

  @Override
  public void gatherParameters(Tensor theta) {
    if (mode == DistMode.REPLICATED) {
      return;  // every rank applied the same step to all of θ
    }
    // the piece is copied out first: Gloo does not promise that its input may alias its output
    long stride = strideOf(theta);
    Tensor mine = shardBuffers.get(2, theta, stride);
    mine.copy_(theta.narrow(0, rank * stride, stride));
    try {
      group._allgather_base(theta, mine)._wait(milliseconds(timeout));
    } catch (RuntimeException e) {
      throw lost("the all-gather of the parameters", e);
    }
  }

  @Override
  public List<String> exchange(String topic, String value) {
    String prefix = "exchange/" + topic + "/";
    List<Integer> missing;
    try {
      missing = BoundedCall.within(timeout.plus(Heartbeats.ANSWER), () -> {
        store.set(KEY + prefix + rank, new ByteVector(value.getBytes(StandardCharsets.UTF_8)));
        return missing(store, prefix, worldSize, timeout);
      });
    } catch (TimeoutException | RuntimeException e) {
      throw lost("'" + topic + "'", e);
    }
    if (!missing.isEmpty()) {
      broken = true;
      throw new RankLostException(ranks(missing) + " did not reach '" + topic + "' within " + seconds(timeout), null);
    }
    try {
      return BoundedCall.within(Heartbeats.ANSWER.plus(timeout), () -> {
        List<String> values = new ArrayList<>();
        for (int r = 0; r < worldSize; r++) {
          values.add(new String(store.get(KEY + prefix + r).get(), StandardCharsets.UTF_8));
        }
        return values;
      });
    } catch (TimeoutException | RuntimeException e) {
      throw lost("'" + topic + "'", e);
    }
  }

  /** The ranks whose key under {@code prefix} is still absent after waiting up to {@code timeout}. */
  private static List<Integer> missing(TCPStore store, String prefix, int worldSize, Duration timeout) {
    List<String> keys = new ArrayList<>();
    for (int r = 0; r < worldSize; r++) {
      keys.add(KEY + prefix + r);
    }
    try {
      store._wait(new StringVector(keys.toArray(String[]::new)), milliseconds(timeout));
      return List.of();
    } catch (RuntimeException timedOut) {
      List<Integer> missing = new ArrayList<>();
      for (int r = 0; r < worldSize; r++) {
        if (!store.check(new StringVector(keys.get(r)))) {
          missing.add(r);
        }
      }
      return missing;
    }
  }

  /** A failed collective, with the ranks whose heartbeats stopped named when there are any. */
  private RankLostException lost(String during, Exception e) {
    broken = true;
    List<Integer> silent = heartbeats.silentRanks(store, rank);
    if (!silent.isEmpty()) {
      return new RankLostException(ranks(silent) + (silent.size() == 1 ? " is" : " are") + " gone (no heartbeat"
          + (silent.contains(0) && rank != 0 ? ", and rank 0 holds the rendezvous store" : "") + ") during "
          + during + "; rank " + rank + " stops too", e);
    }
    return new RankLostException(during + " failed on rank " + rank + " although every rank still beats: "
        + reason(e) + " (a rank busier than --dist-timeout " + seconds(timeout) + " allows?)", e);
  }

  @Override
  public void close() {
    heartbeats.close();
    shardBuffers.close();
    if (broken) {
      return;  // threads of a failed group may still wait on dead sockets: leave them to the exit
    }
    try {
      // rank 0 serves the store, so it stays until every rank is done with it
      BoundedCall.within(timeout, () -> {
        store.add(KEY + "finished", 1);
        while (rank == 0 && store.add(KEY + "finished", 0) < worldSize) {
          LockSupport.parkNanos(Heartbeats.PERIOD.toNanos() / 10);
        }
        return null;
      });
    } catch (TimeoutException | RuntimeException e) {
      return;  // a rank never finished, or the store is gone: the exit takes what is left
    }
    group.close();
    groupStore.close();
    heartbeatStore.close();
    store.close();
  }

  /** The first line of a c10d error, without the C++ source location it starts with. */
  static String reason(Exception e) {
    if (e instanceof TimeoutException) {
      return "the rendezvous store did not answer";
    }
    String first = String.valueOf(e.getMessage()).lines().findFirst().orElse("").strip();
    return first.replaceFirst("^\\[[^\\]]*\\]\\s*", "");
  }

  static String ranks(List<Integer> ranks) {
    return (ranks.size() == 1 ? "rank " : "ranks ") + ranks.stream().map(String::valueOf).collect(Collectors.joining(", "));
  }

  private static String seconds(Duration d) {
    return d.toSeconds() + " s";
  }

  private static Milliseconds milliseconds(Duration d) {
    return new Milliseconds(d.toMillis());
  }
}
