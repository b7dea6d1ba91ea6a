package org.blurnative.bench;

import org.blurnative.io.AtomicFiles;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;

/** --json: the whole report (a BenchReport or a WholeStepReport), machine info included, pretty-printed for diffs. */
public final class JsonReport {

  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private JsonReport() {}

  public static byte[] toBytes(Object report) throws IOException {
    return MAPPER.writeValueAsBytes(report);
  }

  public static void write(Path file, Object report) throws IOException {
    AtomicFiles.write(file, toBytes(report));
  }
}
