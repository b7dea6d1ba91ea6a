package org.blurnative.model;

import static org.bytedeco.pytorch.global.torch.ScalarType;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** (b) safetensors: bit-exact round trips, sharding, an independent Python reader and writer, and errors. */
@ExtendWith(NativeScopePerTest.class)
class SafeTensorsTest {
  @TempDir
  Path dir;


  /**
   * A tensor of {@code dtype} built from raw bit patterns: random ones, plus ±0, ±inf, a NaN with
   * a payload and the smallest subnormal.
   */
  static Tensor fromBits(Dtype dtype, long seed, long... shape) {
    int n = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    long[] bits = new long[n];
    Random rnd = new Random(seed);
    long[] special = dtype == Dtype.FLOAT32
        ? new long[] {0x00000000L, 0x80000000L, 0x7F800000L, 0xFF800000L, 0x7FC12345L, 0x00000001L}
        : dtype == Dtype.BFLOAT16
            ? new long[] {0x0000, 0x8000, 0x7F80, 0xFF80, 0x7FC1, 0x0001}
            : new long[] {0x0000, 0x8000, 0x7C00, 0xFC00, 0x7E01, 0x0001};
    for (int i = 0; i < n; i++) {
      long r = dtype == Dtype.FLOAT32 ? rnd.nextInt() : (short) rnd.nextInt(1 << 16);
      bits[i] = i < special.length ? signExtend(special[i], dtype) : r;
    }
    ScalarType storage = dtype == Dtype.FLOAT32 ? ScalarType.Int : ScalarType.Short;
    return HostArrays.longs(bits, shape).to(storage).view(dtype.scalarType());
  }

  private static long signExtend(long v, Dtype dtype) {
    return dtype == Dtype.FLOAT32 ? (int) v : (short) v;
  }

  /** The raw bit patterns of a float32/bf16/f16 tensor, as Java reads them through LibTorch. */
  static long[] bits(Tensor t) {
    Dtype d = Dtype.of(t.scalar_type());
    ScalarType storage = d == Dtype.FLOAT32 ? ScalarType.Int : ScalarType.Short;
    return HostArrays.toLongs(t.contiguous().view(storage));
  }

  @ParameterizedTest
  @EnumSource(value = Dtype.class, names = {"FLOAT32", "BFLOAT16", "FLOAT16"})
  void roundTripIsBitExact(Dtype dtype) throws Exception {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("model.layers.0.mlp.up_proj.weight", fromBits(dtype, 1, 3, 5, 7));
    tensors.put("scalar", fromBits(dtype, 2));
    tensors.put("empty", fromBits(dtype, 3, 0, 4));
    tensors.put("odd", fromBits(dtype, 4, 13));
    Path file = dir.resolve("x.safetensors");
    SafeTensors.write(file, tensors);

    try (SafeTensors.Reader r = SafeTensors.open(file)) {
      assertEquals(List.copyOf(tensors.keySet()), List.copyOf(r.entries().keySet()));
      assertEquals(Map.of("format", "pt"), r.metadata());
      for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
        Tensor back = r.read(e.getKey());
        assertEquals(dtype, Dtype.of(back.scalar_type()), e.getKey());
        assertArrayEquals(e.getValue().sizes().vec().get(), back.sizes().vec().get(), e.getKey());
        assertArrayEquals(bits(e.getValue()), bits(back), e.getKey() + " bits");
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(file), files.collect(Collectors.toList()), "no temporary file left");
    }
  }

  @Test
  void pythonReadsWhatWeWrite() throws Exception {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("f32", fromBits(Dtype.FLOAT32, 5, 2, 3));
    tensors.put("bf16", fromBits(Dtype.BFLOAT16, 6, 7));
    tensors.put("f16", fromBits(Dtype.FLOAT16, 7, 3, 1, 2));
    tensors.put("values", HostArrays.floats(new float[] {1.5f, -2.25f, 3e-5f}, 3).to(ScalarType.BFloat16));
    Path file = dir.resolve("ours.safetensors");
    SafeTensors.write(file, tensors);

    JsonNode py = PythonSafeTensors.read(file);
    assertEquals("pt", py.at("/metadata/ours.safetensors/format").asText());
    assertEquals(tensors.size(), py.get("tensors").size());
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      JsonNode t = py.get("tensors").get(e.getKey());
      Dtype d = Dtype.of(e.getValue().scalar_type());
      assertEquals(d.safetensorsCode(), t.get("dtype").asText(), e.getKey());
      assertEquals(Arrays.toString(e.getValue().sizes().vec().get()),
          t.get("shape").toString().replace(",", ", "), e.getKey());
      long[] ours = bits(e.getValue());
      long mask = d == Dtype.FLOAT32 ? 0xFFFFFFFFL : 0xFFFFL;
      for (int i = 0; i < t.get("bits").size(); i++) {
        assertEquals(ours[i] & mask, t.get("bits").get(i).asLong(), e.getKey() + "[" + i + "]");
      }
    }
    // values, decoded by Python: bf16 keeps 8 bits of mantissa
    JsonNode v = py.at("/tensors/values/values");
    assertEquals(1.5, v.get(0).asDouble());
    assertEquals(-2.25, v.get(1).asDouble());
    assertEquals(3e-5, v.get(2).asDouble(), 3e-5 / 128);
    JsonNode special = py.at("/tensors/f32/values");
    assertEquals("inf", special.get(2).asText());
    assertEquals("nan", special.get(4).asText());
  }

  @Test
  void weReadWhatPythonWrites() throws Exception {
    Path file = dir.resolve("theirs.safetensors");
    PythonSafeTensors.write(file);
    try (SafeTensors.Reader r = SafeTensors.open(file)) {
      assertEquals(Map.of("format", "pt", "source", "python"), r.metadata());
      assertEquals(Dtype.FLOAT32, r.entry("a").dtype());
      assertArrayEquals(new float[] {1.5f, -2.0f, 0.0f, 3.25f, -0.0f, 1e-40f},
          HostArrays.toFloats(r.read("a")));
      assertArrayEquals(new long[] {2, 3}, r.entry("a").shape());
      assertArrayEquals(new float[] {0.5f, -1.0f, 65504.0f, 5.9604645e-8f},
          HostArrays.toFloats(r.read("b")));
      assertArrayEquals(new long[] {0x3F80, (short) 0xC040, 0x7F80, 0x0001}, bits(r.read("c")));
      // readInto converts: BF16 on disk into a float32 tensor, exactly
      Tensor dest = HostArrays.floats(new float[4], 2, 2);
      r.readInto("c", dest);
      assertArrayEquals(new float[] {1.0f, -3.0f, Float.POSITIVE_INFINITY, 9.18355e-41f},
          HostArrays.toFloats(dest));
      Tensor wrongShape = HostArrays.floats(new float[4], 4);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> r.readInto("c", wrongShape));
      assertEquals("c: expected [4], found [2, 2]", e.getMessage());
    }
  }

  @Test
  void shardedRoundTripWithIndex() throws Exception {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (int i = 0; i < 5; i++) {
      tensors.put("model.layers." + i + ".w", fromBits(Dtype.BFLOAT16, 10 + i, 10, 10));  // 200 B
    }
    tensors.put("model.norm.weight", fromBits(Dtype.FLOAT32, 20, 130));  // 520 B: a shard alone
    List<Path> written = SafeTensors.writeModel(dir, tensors, 450);
    List<String> names = written.stream().map(p -> p.getFileName().toString()).toList();
    assertEquals(List.of("model-00001-of-00004.safetensors", "model-00002-of-00004.safetensors",
        "model-00003-of-00004.safetensors", "model-00004-of-00004.safetensors",
        "model.safetensors.index.json"), names);

    JsonNode index = new ObjectMapper().readTree(dir.resolve(SafeTensors.INDEX_FILE).toFile());
    assertEquals(5 * 200 + 520, index.at("/metadata/total_size").asLong());
    assertEquals("model-00001-of-00004.safetensors", index.at("/weight_map/model.layers.1.w").asText());
    assertEquals("model-00003-of-00004.safetensors", index.at("/weight_map/model.layers.4.w").asText());
    assertEquals("model-00004-of-00004.safetensors", index.at("/weight_map/model.norm.weight").asText());

    Map<String, Tensor> back = SafeTensors.readAll(dir);
    assertEquals(tensors.keySet(), back.keySet());
    for (String name : tensors.keySet()) {
      assertArrayEquals(bits(tensors.get(name)), bits(back.get(name)), name);
    }
    assertEquals(6, PythonSafeTensors.read(dir).get("tensors").size());

    // saving again unsharded leaves no stale shard or index behind
    SafeTensors.writeModel(dir, tensors, 1L << 30);
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(SafeTensors.SINGLE_FILE),
          files.map(p -> p.getFileName().toString()).toList());
    }
    assertEquals(tensors.keySet(), SafeTensors.readAll(dir).keySet());
  }

  @Test
  void damagedFilesAreReportedByName() throws Exception {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("a", fromBits(Dtype.FLOAT32, 30, 64));
    tensors.put("b", fromBits(Dtype.FLOAT32, 31, 64));
    Path good = dir.resolve("good.safetensors");
    SafeTensors.write(good, tensors);
    byte[] bytes = Files.readAllBytes(good);
    long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();

    Path truncatedData = dir.resolve("truncated-data.safetensors");
    Files.write(truncatedData, Arrays.copyOf(bytes, bytes.length - 5));
    assertFailsNaming(truncatedData, "b");

    Path truncatedHeader = dir.resolve("truncated-header.safetensors");
    Files.write(truncatedHeader, Arrays.copyOf(bytes, 8 + (int) headerLength / 2));
    assertFailsNaming(truncatedHeader, "header length");

    Path tiny = dir.resolve("tiny.safetensors");
    Files.write(tiny, new byte[] {1, 2, 3});
    assertFailsNaming(tiny, "truncated");

    byte[] garbled = bytes.clone();
    garbled[8] = '[';
    garbled[9] = '#';
    Path garbledHeader = dir.resolve("garbled.safetensors");
    Files.write(garbledHeader, garbled);
    assertFailsNaming(garbledHeader, "corrupt header");

    byte[] hugeLength = bytes.clone();
    ByteBuffer.wrap(hugeLength).order(ByteOrder.LITTLE_ENDIAN).putLong(0, Long.MAX_VALUE / 2);
    Path huge = dir.resolve("huge.safetensors");
    Files.write(huge, hugeLength);
    assertFailsNaming(huge, "header length");

    IOException missing = assertThrows(IOException.class, () -> SafeTensors.open(dir.resolve("none")));
    assertTrue(missing.getMessage().contains("none"), missing.getMessage());
    Path emptyDir = Files.createDirectory(dir.resolve("empty-model"));
    IOException noWeights = assertThrows(IOException.class, () -> SafeTensors.open(emptyDir));
    assertTrue(noWeights.getMessage().contains("empty-model"), noWeights.getMessage());
  }

  private static void assertFailsNaming(Path file, String detail) {
    IOException e = assertThrows(IOException.class, () -> {
      try (SafeTensors.Reader r = SafeTensors.open(file)) {
        for (String name : r.entries().keySet()) {
          r.read(name);
        }
      }
    });
    assertTrue(e.getMessage().contains(file.toString()), "message names the file: " + e.getMessage());
    assertTrue(e.getMessage().contains(detail), "message says '" + detail + "': " + e.getMessage());
  }

  @Test
  void indexNamingAMissingTensorIsAnError() throws Exception {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("a", fromBits(Dtype.FLOAT32, 40, 100));
    tensors.put("b", fromBits(Dtype.FLOAT32, 41, 100));
    SafeTensors.writeModel(dir, tensors, 400);
    Path index = dir.resolve(SafeTensors.INDEX_FILE);
    Files.writeString(index, Files.readString(index).replace("\"b\"", "\"c\""));
    IOException e = assertThrows(IOException.class, () -> SafeTensors.open(dir));
    assertTrue(e.getMessage().contains(index.toString()) && e.getMessage().contains("c"),
        e.getMessage());
    assertFalse(e.getMessage().isBlank());
  }
}
