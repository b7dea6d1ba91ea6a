package org.blurnative.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.blurnative.dist.Shard;

/**
 * A checkpoint's table of contents (manifest.json), written last, by rank 0, once every rank's
 * optimizer shard is on disk: only a checkpoint with a complete manifest is ever loaded. It says
 * which range of θ each optimizer file holds the state of, so that another world size can take
 * the pieces it owns (DESIGN.md §8).
 *
 * @param parameters n, the length of θ
 * @param worldSize the world that wrote the checkpoint (1 for one process or a replicated world)
 * @param optimizer the optimizer state's pieces, in θ's order, together covering [0, n)
 */
record CheckpointManifest(int format, long step, long parameters, @JsonProperty("world_size") int worldSize,
    List<StatePiece> optimizer) {
  static final String FILE = "manifest.json";
  static final int FORMAT = 1;
  /** A checkpoint from before manifests: one optimizer file over all of θ. */
  static final String LEGACY_OPTIMIZER = "optimizer.pt";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** One optimizer file: the state of θ[offset, offset + length), {@code bytes} long. */
  record StatePiece(long offset, long length, String file, long bytes) {
    Shard range() {
      return new Shard(offset, length);
    }
  }

  /** The name of the optimizer file of piece {@code index} of {@code count}. */
  static String optimizerFile(int index, int count) {
    return String.format("optimizer-%05d-of-%05d.pt", index, count);
  }

  byte[] toJson() throws IOException {
    return JSON.writeValueAsBytes(this);
  }

  /** Whether {@code checkpoint} is complete: its manifest (or, from before manifests, its optimizer file) is there. */
  static boolean complete(Path checkpoint) {
    return Files.isRegularFile(checkpoint.resolve(FILE)) || Files.isRegularFile(checkpoint.resolve(LEGACY_OPTIMIZER));
  }

  /**
   * Reads {@code checkpoint}'s manifest for a θ of {@code n} elements and checks that every file
   * it lists is there, whole; a checkpoint from before manifests reads as one piece over all of θ.
   */
  static CheckpointManifest read(Path checkpoint, long n) throws IOException {
    Path file = checkpoint.resolve(FILE);
    CheckpointManifest m;
    if (!Files.exists(file) && Files.isRegularFile(checkpoint.resolve(LEGACY_OPTIMIZER))) {
      long bytes = Files.size(checkpoint.resolve(LEGACY_OPTIMIZER));
      m = new CheckpointManifest(FORMAT, -1, n, 1, List.of(new StatePiece(0, n, LEGACY_OPTIMIZER, bytes)));
    } else {
      try {
        m = JSON.readValue(file.toFile(), CheckpointManifest.class);
      } catch (JacksonException e) {
        throw new IllegalArgumentException("--resume: " + file + " is not a checkpoint manifest ("
            + e.getOriginalMessage() + ")");
      }
    }
    if (m.format != FORMAT) {
      throw new IllegalArgumentException("--resume: " + file + " has format " + m.format + ", this version reads " + FORMAT);
    }
    if (m.parameters != n) {
      throw new IllegalArgumentException("--resume: " + file + " holds " + m.parameters
          + " parameters, this model has " + n);
    }
    long next = 0;
    for (StatePiece p : m.optimizer) {
      Path piece = checkpoint.resolve(p.file);
      if (p.offset != next || !Files.isRegularFile(piece) || Files.size(piece) != p.bytes) {
        throw new IllegalArgumentException("--resume: checkpoint " + checkpoint + " is incomplete: "
            + (p.offset != next ? "its manifest's optimizer pieces do not cover θ" : p.file + " is missing or cut short"));
      }
      next = p.offset + p.length;
    }
    if (next != n) {
      throw new IllegalArgumentException("--resume: checkpoint " + checkpoint
          + " is incomplete: its manifest's optimizer pieces do not cover θ");
    }
    return m;
  }
}
