package org.blurnative.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * SHA-256 of a run's input files, recorded in run.json so that --resume compares what a run reads,
 * not the names it was given: an edited data file is caught, the same file by another path is not.
 */
public final class InputDigests {
  private InputDigests() {}

  /** One input file: the path as the user gave it (or a model file's name) and its digest. */
  public record FileDigest(String file, String sha256) {}

  /** The given files, in order. */
  public static List<FileDigest> ofFiles(List<Path> files) throws IOException {
    List<FileDigest> out = new ArrayList<>();
    for (Path f : files) {
      out.add(new FileDigest(f.toString(), sha256(f)));
    }
    return out;
  }

  /**
   * What a Hugging Face model directory is read from: its top-level .json files (config,
   * tokenizer, safetensors index) and .safetensors weights, by name.
   */
  public static List<FileDigest> ofModelDirectory(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().matches("[^.].*\\.(json|safetensors)"))
          .sorted()
          .toList();
    }
    List<FileDigest> out = new ArrayList<>();
    for (Path f : files) {
      out.add(new FileDigest(f.getFileName().toString(), sha256(f)));
    }
    return out;
  }

  static String sha256(Path file) throws IOException {
    MessageDigest sha = newSha256();
    ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      while (ch.read(buffer) >= 0) {
        buffer.flip();
        sha.update(buffer);
        buffer.clear();
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
