package org.blurnative.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive lock on a directory, held from {@link #acquire} to {@link #close}: a file lock on
 * {@code DIR/.lock}, which the operating system releases when the process dies however it dies,
 * so a killed run never leaves a stale lock. The file holds the holder's PID for the message a
 * second run gets.
 */
public final class DirectoryLock implements AutoCloseable {
  public static final String FILE = ".lock";

  /**
   * Directories this JVM holds. POSIX record locks belong to the process, and closing any channel
   * on the file drops them, so a second attempt from this process must not even open the file.
   */
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private final Path dir;
  private final FileChannel channel;
  private final FileLock lock;

  private DirectoryLock(Path dir, FileChannel channel, FileLock lock) {
    this.dir = dir;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Creates {@code dir} if needed and locks it; a directory another run holds is an
   * IllegalArgumentException naming {@code flag}, the directory and the holder's PID.
   */
  public static DirectoryLock acquire(String flag, Path dir) throws IOException {
    Path key;
    try {
      key = Files.createDirectories(dir).toRealPath();
    } catch (IOException e) {
      throw FileErrors.cannotWrite(dir, e);
    }
    if (!HELD.add(key)) {
      throw inUse(flag, dir, ProcessHandle.current().pid() + ", this process");
    }
    FileChannel channel = null;
    boolean locked = false;
    try {
      channel = FileChannel.open(key.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        throw inUse(flag, dir, holder(key.resolve(FILE)));
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
      channel.force(false);
      locked = true;
      return new DirectoryLock(key, channel, lock);
    } catch (IOException e) {
      throw FileErrors.cannotWrite(key.resolve(FILE), e);
    } finally {
      if (!locked) {
        HELD.remove(key);
        if (channel != null) {
          channel.close();
        }
      }
    }
  }

  private static IllegalArgumentException inUse(String flag, Path dir, String pid) {
    return new IllegalArgumentException(flag + " " + dir + " is in use by another run (PID " + pid
        + "); wait for it to finish or choose another directory");
  }

  /** The PID the holder wrote; "unknown" if it has not written it yet. */
  private static String holder(Path file) {
    try {
      String pid = Files.readString(file, StandardCharsets.US_ASCII).strip();
      return pid.isEmpty() ? "unknown" : pid;
    } catch (IOException e) {
      return "unknown";
    }
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
      channel.close();
    } finally {
      HELD.remove(dir);
    }
  }
}
