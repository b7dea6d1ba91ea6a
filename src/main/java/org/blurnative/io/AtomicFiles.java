package org.blurnative.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files that appear whole or not at all: written to a temporary sibling, then renamed. Every
 * failure reads "cannot write TARGET: REASON" ({@link FileErrors#cannotWrite}), naming the file
 * the user asked for, never the temporary one it happened on.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /**
   * A temporary file next to {@code target}, so that the final move is a rename. It is readable by
   * all (rw-r--r--), as a file written directly would be; a temporary file starts owner-only.
   */
  public static Path temporarySibling(Path target) throws IOException {
    try {
      Path dir = target.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      return shareable(Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp"));
    } catch (IOException e) {
      throw FileErrors.cannotWrite(target, e);
    }
  }

  /** A temporary directory in {@code parent}, readable by all (rwxr-xr-x), to be renamed into place. */
  public static Path temporaryDirectory(Path parent, String prefix) throws IOException {
    try {
      return shareable(Files.createTempDirectory(parent, prefix));
    } catch (IOException e) {
      throw FileErrors.cannotWrite(parent, e);
    }
  }

  private static Path shareable(Path p) throws IOException {
    if (p.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
          Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
    }
    return p;
  }

  /** Flushes and renames {@code temp} onto {@code target}, replacing it. */
  public static void commit(Path temp, Path target) throws IOException {
    try {
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw FileErrors.cannotWrite(target, e);
    }
  }

  public static void write(Path target, byte[] bytes) throws IOException {
    Path temp = temporarySibling(target);
    try {
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
          ch.write(b);
        }
      } catch (IOException e) {
        throw FileErrors.cannotWrite(target, e);
      }
      commit(temp, target);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
