package org.blurnative.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * A directory this process cannot create files in, for tests of write failures: a read-only one
 * where permissions hold; as root, who ignores them, a place root cannot write either (/sys).
 */
public final class UnwritableDirectory {
  /** Why a test that needs one was skipped. */
  public static final String NONE = "no unwritable directory here: permissions are not enforced"
      + " (root?) and /sys is writable or missing";

  private UnwritableDirectory() {}

  /** A read-only directory made under {@code scratch}, or /sys, whichever cannot be written. */
  public static Optional<Path> find(Path scratch) throws IOException {
    Path readOnly = Files.createDirectories(scratch.resolve("read-only"));
    Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
    for (Path candidate : new Path[] {readOnly, Path.of("/sys")}) {
      if (Files.isDirectory(candidate) && !canCreateFileIn(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static boolean canCreateFileIn(Path dir) {
    try {
      Files.delete(Files.createTempFile(dir, "probe", ".tmp"));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
