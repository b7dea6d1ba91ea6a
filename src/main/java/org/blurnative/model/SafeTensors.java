package org.blurnative.model;

import org.blurnative.io.AtomicFiles;

import static org.bytedeco.pytorch.global.torch.empty;
import static org.bytedeco.pytorch.global.torch.from_blob;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;

/**
 * The safetensors format, read and written by hand: an 8-byte little-endian header length, a JSON
 * header ({name: {dtype, shape, data_offsets}}, "__metadata__"), then raw little-endian data.
 *
 * <p>Reading maps each tensor in regions of at most {@link #REGION_BYTES} (a Java map is limited to
 * 2 GB), so neither a file nor a tensor has a size limit. A directory is read through
 * model.safetensors.index.json when there is one, else model.safetensors.
 *
 * <p>Writing is atomic per file (temporary sibling, then rename); a model directory above a size
 * threshold is split into shards named and indexed as transformers' save_pretrained does.
 */
public final class SafeTensors {
  public static final String SINGLE_FILE = "model.safetensors";
  public static final String INDEX_FILE = "model.safetensors.index.json";
  /** Largest region mapped at once: 1 GiB, a multiple of every element size. */
  static final long REGION_BYTES = 1L << 30;
  /** safetensors' own limit on the header. */
  private static final long MAX_HEADER_BYTES = 100L << 20;
  private static final Pattern SHARD_NAME =
      Pattern.compile("model-\\d{5}-of-\\d{5}\\.safetensors");
  private static final ObjectMapper JSON = new ObjectMapper();

  static {
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      throw new IllegalStateException("safetensors I/O assumes a little-endian machine");
    }
  }

  private SafeTensors() {}

  /**
   * One tensor's place in a file.
   *
   * @param offset absolute byte offset of the data in {@code file}
   */
  public record Entry(String name, Dtype dtype, long[] shape, Path file, long offset,
      long byteLength) {

    public long numel() {
      long n = 1;
      for (long s : shape) {
        n *= s;
      }
      return n;
    }

    @Override
    public String toString() {
      return name + " " + dtype.safetensorsCode() + Arrays.toString(shape);
    }
  }

  // ---------------------------------------------------------------------------------- reading

  /**
   * Opens a .safetensors file, or a model directory (sharded through model.safetensors.index.json,
   * or model.safetensors).
   *
   * @throws IOException naming the file when it is missing, truncated or garbled
   */
  public static Reader open(Path fileOrDirectory) throws IOException {
    if (!Files.isDirectory(fileOrDirectory)) {
      return new Reader(List.of(fileOrDirectory));
    }
    Path index = fileOrDirectory.resolve(INDEX_FILE);
    if (Files.exists(index)) {
      return Reader.sharded(fileOrDirectory, index);
    }
    Path single = fileOrDirectory.resolve(SINGLE_FILE);
    if (Files.exists(single)) {
      return new Reader(List.of(single));
    }
    throw new NoSuchFileException(fileOrDirectory.toString(), null,
        "holds neither " + SINGLE_FILE + " nor " + INDEX_FILE);
  }

  /** Reads every tensor of a file or directory into CPU tensors of the stored dtype. */
  public static Map<String, Tensor> readAll(Path fileOrDirectory) throws IOException {
    try (Reader r = open(fileOrDirectory)) {
      Map<String, Tensor> out = new LinkedHashMap<>();
      for (String name : r.entries().keySet()) {
        out.put(name, r.read(name));
      }
      return out;
    }
  }

  /** The tensors of one file or of a set of shards. */
  public static final class Reader implements AutoCloseable {
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<Path, FileChannel> channels = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    private Reader(List<Path> files) throws IOException {
      try {
        for (Path file : files) {
          FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
          channels.put(file, ch);
          parseHeader(file, ch, metadata.isEmpty());
        }
      } catch (IOException | RuntimeException e) {
        close();
        throw e;
      }
    }

    static Reader sharded(Path dir, Path index) throws IOException {
      JsonNode root;
      try {
        root = JSON.readTree(Files.readString(index, StandardCharsets.UTF_8));
      } catch (JsonProcessingException e) {
        throw new IOException(index + ": not valid JSON: " + e.getOriginalMessage(), e);
      }
      JsonNode map = root == null ? null : root.get("weight_map");
      if (map == null || !map.isObject()) {
        throw new IOException(index + ": no weight_map object");
      }
      Map<String, String> fileOf = new LinkedHashMap<>();
      Set<String> files = new java.util.TreeSet<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isTextual()) {
          throw new IOException(index + ": weight_map." + e.getKey() + " is not a file name");
        }
        String f = e.getValue().asText();
        if (f.contains("/") || f.contains("\\")) {
          throw new IOException(index + ": weight_map." + e.getKey() + " names '" + f
              + "' outside the directory");
        }
        fileOf.put(e.getKey(), f);
        files.add(f);
      }
      List<Path> paths = new ArrayList<>();
      for (String f : files) {
        paths.add(dir.resolve(f));
      }
      Reader r = new Reader(paths);
      for (Map.Entry<String, String> e : fileOf.entrySet()) {
        Entry entry = r.entries.get(e.getKey());
        if (entry == null || !entry.file().getFileName().toString().equals(e.getValue())) {
          r.close();
          throw new IOException(index + ": lists " + e.getKey() + " in " + e.getValue()
              + ", which does not hold it");
        }
      }
      return r;
    }

    private void parseHeader(Path file, FileChannel ch, boolean keepMetadata) throws IOException {
      long size = ch.size();
      if (size < 8) {
        throw new IOException(file + ": truncated (" + size + " bytes, no header length)");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0, file);
      long headerLength = lenBuf.getLong(0);
      if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || 8 + headerLength > size) {
        throw new IOException(file + ": corrupt or truncated: header length " + headerLength
            + " does not fit a file of " + size + " bytes");
      }
      ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLength);
      readFully(ch, headerBuf, 8, file);
      JsonNode header;
      try {
        header = JSON.readTree(new String(headerBuf.array(), StandardCharsets.UTF_8));
      } catch (JsonProcessingException e) {
        throw new IOException(file + ": corrupt header: " + e.getOriginalMessage(), e);
      }
      if (header == null || !header.isObject()) {
        throw new IOException(file + ": corrupt header: not a JSON object");
      }
      long dataStart = 8 + headerLength;
      long dataLength = size - dataStart;
      for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String name = e.getKey();
        JsonNode v = e.getValue();
        if (name.equals("__metadata__")) {
          if (keepMetadata && v.isObject()) {
            v.fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
          }
          continue;
        }
        Entry entry = parseEntry(file, name, v, dataStart, dataLength);
        if (entries.putIfAbsent(name, entry) != null) {
          throw new IOException(file + ": tensor " + name + " also appears in "
              + entries.get(name).file());
        }
      }
    }

    private static Entry parseEntry(Path file, String name, JsonNode v, long dataStart,
        long dataLength) throws IOException {
      String where = file + ": tensor " + name + ": ";
      if (!v.isObject() || !v.path("dtype").isTextual() || !v.path("shape").isArray()
          || !v.path("data_offsets").isArray() || v.get("data_offsets").size() != 2) {
        throw new IOException(where + "needs dtype, shape and two data_offsets");
      }
      Dtype dtype = Dtype.fromSafetensorsCode(v.get("dtype").asText());
      if (dtype == null) {
        throw new IOException(where + "dtype " + v.get("dtype").asText() + " is not supported");
      }
      long[] shape = new long[v.get("shape").size()];
      long numel = 1;
      for (int i = 0; i < shape.length; i++) {
        JsonNode s = v.get("shape").get(i);
        if (!s.canConvertToLong() || !s.isIntegralNumber() || s.asLong() < 0) {
          throw new IOException(where + "bad shape " + v.get("shape"));
        }
        shape[i] = s.asLong();
        numel = Math.multiplyExact(numel, shape[i]);
      }
      long begin = v.get("data_offsets").get(0).asLong(-1);
      long end = v.get("data_offsets").get(1).asLong(-1);
      if (begin < 0 || end < begin || end > dataLength) {
        throw new IOException(where + "data_offsets [" + begin + ", " + end
            + "] fall outside the " + dataLength + " data bytes (truncated file?)");
      }
      if (end - begin != numel * dtype.bytes()) {
        throw new IOException(where + "data_offsets span " + (end - begin) + " bytes but "
            + dtype.safetensorsCode() + Arrays.toString(shape) + " needs " + numel * dtype.bytes());
      }
      return new Entry(name, dtype, shape, file, dataStart + begin, end - begin);
    }

    /** Every tensor, in file order (shards in name order). */
    public Map<String, Entry> entries() {
      return Collections.unmodifiableMap(entries);
    }

    /** The first file's __metadata__. */
    public Map<String, String> metadata() {
      return Collections.unmodifiableMap(metadata);
    }

    public Entry entry(String name) {
      Entry e = entries.get(name);
      if (e == null) {
        throw new IllegalArgumentException("no tensor named " + name);
      }
      return e;
    }

    /** A new CPU tensor of the stored dtype and shape, owning its memory. */
    public Tensor read(String name) throws IOException {
      Entry e = entry(name);
      Tensor t = empty(e.shape(), new TensorOptions(e.dtype().scalarType()), new MemoryFormatOptional());
      fill(e, t);
      return t;
    }

    /**
     * Copies a tensor into {@code dest} (any device, any floating dtype: converted as copy_ does).
     *
     * @throws IllegalArgumentException when the shapes differ
     */
    public void readInto(String name, Tensor dest) throws IOException {
      Entry e = entry(name);
      long[] destShape = dest.sizes().vec().get();
      if (!Arrays.equals(destShape, e.shape())) {
        throw new IllegalArgumentException(name + ": expected " + Arrays.toString(destShape)
            + ", found " + Arrays.toString(e.shape()));
      }
      boolean direct = dest.is_cpu() && dest.is_contiguous()
          && Dtype.of(dest.scalar_type()) == e.dtype();
      if (direct) {
        fill(e, dest);
      } else {
        try (Tensor staged = read(name)) {
          dest.copy_(staged);
        }
      }
    }

    /** Copies the entry's bytes into a contiguous CPU tensor of its dtype, region by region. */
    private void fill(Entry e, Tensor dest) throws IOException {
      FileChannel ch = channels.get(e.file());
      long elem = e.dtype().bytes();
      Tensor flat = dest.view(-1);
      for (long done = 0; done < e.byteLength(); done += REGION_BYTES) {
        long len = Math.min(REGION_BYTES, e.byteLength() - done);
        MappedByteBuffer region;
        try {
          region = ch.map(FileChannel.MapMode.READ_ONLY, e.offset() + done, len);
        } catch (IOException ex) {
          throw new IOException(e.file() + ": cannot map tensor " + e.name(), ex);
        }
        try (BytePointer src = new BytePointer(region);
            Tensor blob = from_blob(src, new long[] {len / elem},
                new TensorOptions(e.dtype().scalarType()));
            Tensor slice = flat.narrow(0, done / elem, len / elem)) {
          slice.copy_(blob);
        }
      }
    }

    @Override
    public void close() throws IOException {
      IOException first = null;
      for (FileChannel ch : channels.values()) {
        try {
          ch.close();
        } catch (IOException e) {
          first = first == null ? e : first;
        }
      }
      channels.clear();
      if (first != null) {
        throw first;
      }
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position, Path file)
      throws IOException {
    long pos = position;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos);
      if (n < 0) {
        throw new IOException(file + ": truncated at byte " + pos);
      }
      pos += n;
    }
  }

  // ---------------------------------------------------------------------------------- writing

  /** Writes one file with __metadata__ {"format": "pt"}. */
  public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
    write(file, tensors, Map.of("format", "pt"));
  }

  /**
   * Writes one .safetensors file atomically. Tensors may live on any device and be non-contiguous;
   * they are written in map order.
   */
  public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
      throws IOException {
    Map<String, Object> header = new LinkedHashMap<>();
    if (!metadata.isEmpty()) {
      header.put("__metadata__", new TreeMap<>(metadata));
    }
    long offset = 0;
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      Tensor t = e.getValue();
      Dtype dtype = Dtype.of(t.scalar_type());
      long bytes = t.numel() * dtype.bytes();
      Map<String, Object> info = new LinkedHashMap<>();
      info.put("dtype", dtype.safetensorsCode());
      info.put("shape", t.sizes().vec().get());
      info.put("data_offsets", new long[] {offset, offset + bytes});
      header.put(e.getKey(), info);
      offset += bytes;
    }
    byte[] json = JSON.writeValueAsBytes(header);
    int padded = (json.length + 7) / 8 * 8;  // the data that follows starts 8-aligned
    ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    head.putLong(padded).put(json);
    while (head.hasRemaining()) {
      head.put((byte) ' ');
    }
    head.flip();

    Path temp = AtomicFiles.temporarySibling(file);
    try {
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        writeFully(ch, head);
        for (Tensor t : tensors.values()) {
          writeData(ch, t);
        }
      }
      AtomicFiles.commit(temp, file);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void writeData(FileChannel ch, Tensor t) throws IOException {
    if (t.numel() == 0) {
      return;
    }
    try (Tensor host = t.is_cpu() && t.is_contiguous() ? t.detach() : t.detach().cpu().contiguous()) {
      Pointer data = host.data_ptr();
      long bytes = host.nbytes();
      for (long done = 0; done < bytes; done += REGION_BYTES) {
        long len = Math.min(REGION_BYTES, bytes - done);
        try (BytePointer p = new BytePointer(data)) {
          p.capacity(bytes).position(done).limit(done + len);
          writeFully(ch, p.asBuffer());
        }
      }
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  /**
   * Writes a model's tensors into {@code dir}: model.safetensors when they total at most
   * {@code maxShardBytes}, else model-0000i-of-0000N.safetensors and model.safetensors.index.json
   * (weight_map, metadata.total_size), split greedily in map order as transformers does; a tensor
   * larger than the limit gets a shard of its own. Weight files of an earlier save that the new
   * set does not use are deleted afterwards, so the directory never mixes two saves' layouts.
   *
   * @return the files written, in order
   */
  public static List<Path> writeModel(Path dir, Map<String, Tensor> tensors, long maxShardBytes)
      throws IOException {
    if (maxShardBytes <= 0) {
      throw new IllegalArgumentException("maxShardBytes must be > 0, got " + maxShardBytes);
    }
    Files.createDirectories(dir);
    List<Map<String, Tensor>> shards = new ArrayList<>();
    Map<String, Tensor> current = new LinkedHashMap<>();
    long currentBytes = 0;
    long total = 0;
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      long bytes = e.getValue().nbytes();
      if (!current.isEmpty() && currentBytes + bytes > maxShardBytes) {
        shards.add(current);
        current = new LinkedHashMap<>();
        currentBytes = 0;
      }
      current.put(e.getKey(), e.getValue());
      currentBytes += bytes;
      total += bytes;
    }
    shards.add(current);

    List<Path> written = new ArrayList<>();
    if (shards.size() == 1) {
      Path single = dir.resolve(SINGLE_FILE);
      write(single, shards.get(0));
      written.add(single);
    } else {
      Map<String, String> weightMap = new TreeMap<>();
      for (int i = 0; i < shards.size(); i++) {
        String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
        Path shard = dir.resolve(name);
        write(shard, shards.get(i));
        written.add(shard);
        for (String tensor : shards.get(i).keySet()) {
          weightMap.put(tensor, name);
        }
      }
      Map<String, Object> index = new LinkedHashMap<>();
      index.put("metadata", Map.of("total_size", total));
      index.put("weight_map", weightMap);
      Path indexFile = dir.resolve(INDEX_FILE);
      AtomicFiles.write(indexFile,
          JSON.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(index));
      written.add(indexFile);
    }
    removeStaleWeights(dir, new HashSet<>(written));
    return written;
  }

  private static void removeStaleWeights(Path dir, Set<Path> keep) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String n = f.getFileName().toString();
        boolean weights = n.equals(SINGLE_FILE) || n.equals(INDEX_FILE)
            || SHARD_NAME.matcher(n).matches();
        if (weights && !keep.contains(f)) {
          Files.delete(f);
        }
      }
    }
  }
}
