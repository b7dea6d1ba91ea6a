package org.blurnative.io;

import java.nio.file.Files;
import java.nio.file.Path;

/** The one-line refusals for an input path that cannot be read as a file. */
public final class InputFiles {
  private InputFiles() {}

  /** {@code file} itself, or an IllegalArgumentException that says what it is instead. */
  public static Path requireRegularFile(String flag, Path file) {
    if (Files.isRegularFile(file)) {
      return file;
    }
    String what = Files.isDirectory(file) ? "is a directory, not a file"
        : Files.exists(file) ? "is not a regular file" : "no such file";
    throw new IllegalArgumentException(flag + " " + file + ": " + what);
  }
}
