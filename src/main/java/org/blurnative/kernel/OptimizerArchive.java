package org.blurnative.kernel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.AbstractTensor;
import org.bytedeco.pytorch.ArchiveWriter;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.OutputArchive;
import org.bytedeco.pytorch.Tensor;

/**
 * An optimizer's state in LibTorch's archive format (for our own checkpoints only; what users
 * load elsewhere is the model's safetensors): the step count and named state tensors.
 */
final class OptimizerArchive {
  private static final String STEPS = "steps";

  private OptimizerArchive() {}

  /**
   * Writes the archive through a Java channel rather than LibTorch's file writer, so that a
   * failing write (a full disk) is an IOException here: inside LibTorch it is a c10::Error thrown
   * from the zip writer's destructor, which ends the process.
   */
  static void save(Path file, long steps, Map<String, Tensor> state, OutputArchive archive) throws IOException {
    archive.write(STEPS, AbstractTensor.create(steps), false);
    // by name: Map.of's order changes from one JVM to the next, and with it the archive's bytes
    new TreeMap<>(state).forEach((name, t) -> archive.write(name, t, false));
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING); ChannelWriter writer = new ChannelWriter(channel)) {
      archive.save_to(writer);
      writer.rethrow();
    }
  }

  static void save(Path file, long steps, Map<String, Tensor> state) throws IOException {
    try (OutputArchive archive = new OutputArchive()) {
      save(file, steps, state, archive);
    }
  }

  /**
   * LibTorch's archive writer callback over a channel. It always reports every byte written: a
   * short count would make LibTorch throw where it cannot be caught; the first failure is kept
   * and rethrown once the archive is done.
   */
  private static final class ChannelWriter extends ArchiveWriter {
    private static final long REGION_BYTES = 1L << 30;  // a ByteBuffer holds at most 2 GiB
    private final FileChannel channel;
    private IOException failure;

    ChannelWriter(FileChannel channel) {
      this.channel = channel;
    }

    @Override
    public long call(Pointer data, long size) {
      for (long done = 0; done < size && failure == null; done += REGION_BYTES) {
        try (BytePointer p = new BytePointer(data)) {
          p.capacity(size).position(done).limit(Math.min(size, done + REGION_BYTES));
          ByteBuffer b = p.asBuffer();
          while (b.hasRemaining()) {
            channel.write(b);
          }
        } catch (IOException e) {
          failure = e;
        }
      }
      return size;
    }

    void rethrow() throws IOException {
      if (failure != null) {
        throw failure;
      }
    }
  }

  /** Reads the named tensors into {@code into} (copying, shapes must match); returns the steps. */
  static long load(Path file, Map<String, Tensor> into, InputArchive archive) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("optimizer state " + file + " does not exist");
    }
    archive.load_from(file.toString());
    Tensor steps = new Tensor();
    archive.read(STEPS, steps, false);
    for (Map.Entry<String, Tensor> e : into.entrySet()) {
      Tensor stored = new Tensor();
      archive.read(e.getKey(), stored, false);
      if (stored.numel() != e.getValue().numel()) {
        throw new IllegalArgumentException(file + ": optimizer state '" + e.getKey() + "' has "
            + stored.numel() + " elements, this model has " + e.getValue().numel());
      }
      e.getValue().copy_(stored.view(e.getValue().sizes()));
    }
    return steps.item_long();
  }

  static long load(Path file, Map<String, Tensor> into) {
    try (InputArchive archive = new InputArchive()) {
      return load(file, into, archive);
    }
  }
}
