package org.blurnative.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.TypeConversionException;

/**
 * The paths of one value of a list option (--forget, --retain, finetune --data, eval --compare),
 * and picocli's converters for every path option. A list value holds paths separated by commas,
 * and the option may be repeated; a value that names an existing file or directory is one path
 * even if it has a comma, so such paths stay usable. No path option takes an empty value:
 * Path.of("") is the working directory, and `--forget ''` would be refused as a directory.
 */
record PathList(List<Path> paths) {
  /** Appended to the list options' descriptions. */
  static final String HELP = "; comma-separated, or repeat the option (an existing path that has a comma counts whole)";

  /** The converter of every single-path option. */
  static Path path(String value) {
    if (value.isEmpty()) {
      throw new TypeConversionException("an empty path names no file or directory");
    }
    return Path.of(value);
  }

  /** The converter of every list option's values. */
  static PathList parse(String value) {
    if (!value.isEmpty() && Files.exists(Path.of(value))) {
      return new PathList(List.of(Path.of(value)));
    }
    List<Path> paths = new ArrayList<>();
    for (String piece : value.split(",", -1)) {
      paths.add(path(piece));
    }
    return new PathList(paths);
  }

  /** The paths of every value, in order; null when the option was not given. */
  static List<Path> concat(List<PathList> values) {
    return values == null ? null : values.stream().flatMap(v -> v.paths().stream()).toList();
  }
}
