package org.blurnative.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * One-line messages for file-system failures that name what the user cares about (run.json, a
 * checkpoint) and why, not the temporary file the failure happened on.
 */
public final class FileErrors {
  private FileErrors() {}

  /** "cannot write TARGET: REASON", with {@code cause} chained for the developer. */
  public static IOException cannotWrite(Path target, IOException cause) {
    return new IOException("cannot write " + target + ": " + reason(cause), cause);
  }

  /** The operating system's reason, without the path Java puts in front of it. */
  public static String reason(IOException e) {
    if (e.getCause() instanceof IOException cause && String.valueOf(e.getMessage()).startsWith("cannot write ")) {
      return reason(cause);  // already ours: the innermost reason, not "cannot write" twice
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof FileSystemException fs && fs.getReason() != null) {
      return fs.getReason();
    }
    String message = String.valueOf(e.getMessage());
    return message.lines().findFirst().orElse(message).strip();
  }
}
