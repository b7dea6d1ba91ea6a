package org.blurnative.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failed write names the file asked for and why, not the temporary file it failed on. */
class AtomicFilesTest {

  @Test
  void aDirectoryThatCannotBeWrittenIsNamedWithTheReason(@TempDir Path dir) throws IOException {
    Optional<Path> unwritable = UnwritableDirectory.find(dir);
    assumeTrue(unwritable.isPresent(), UnwritableDirectory.NONE);
    Path target = unwritable.get().resolve("run.json");
    IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, new byte[] {1}));
    assertEquals("cannot write " + target + ": permission denied", e.getMessage());
  }

  @Test
  void aFileInTheWayOfTheDirectoryIsNamedToo(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("plain-file"), "not a directory");
    Path target = file.resolve("eval/summary.json");
    IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, new byte[] {1}));
    assertEquals("cannot write " + target + ": Not a directory", e.getMessage());
  }
}
