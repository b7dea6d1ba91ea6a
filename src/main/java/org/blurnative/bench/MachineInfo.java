package org.blurnative.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.blurnative.io.ProcMemory;
import org.blurnative.kernel.jni.BlurNative;
import org.bytedeco.pytorch.global.torch;

/**
 * What a reader needs to compare two runs: the machine and the thread counts actually in force.
 *
 * @param memoryBytes MemTotal of /proc/meminfo, 0 if unreadable
 * @param libtorchVersion the bytedeco pytorch artifact's version, e.g. 2.10.0-1.5.13
 * @param torchThreads LibTorch's intra-op threads after --threads was applied
 * @param blurThreads libblur's OpenMP threads after --threads was applied
 */
public record MachineInfo(
    String cpuModel,
    int cores,
    long memoryBytes,
    String os,
    String javaVersion,
    String javaVm,
    String libtorchVersion,
    int torchThreads,
    int blurThreads) {

  static final String UNKNOWN = "unknown";

  public static MachineInfo probe() {
    return new MachineInfo(
        readCpuModel(),
        Runtime.getRuntime().availableProcessors(),
        ProcMemory.total(),
        System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
        System.getProperty("java.version"),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"),
        readLibtorchVersion(),
        torch.get_num_threads(),
        BlurNative.blur_get_num_threads());
  }

  private static String readCpuModel() {
    return procLines("/proc/cpuinfo").stream()
        .filter(l -> l.startsWith("model name"))
        .map(l -> l.substring(l.indexOf(':') + 1).trim())
        .findFirst().orElse(UNKNOWN);
  }

  private static List<String> procLines(String file) {
    try {
      return Files.readAllLines(Path.of(file));
    } catch (IOException e) {
      return List.of();  // not Linux: the report says "unknown" rather than failing the bench
    }
  }

  /** From the pytorch jar's Maven metadata, which survives shading into our jar. */
  private static String readLibtorchVersion() {
    try (InputStream in = torch.class.getResourceAsStream("/META-INF/maven/org.bytedeco/pytorch/pom.properties")) {
      if (in == null) {
        return UNKNOWN;
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", UNKNOWN);
    } catch (IOException e) {
      return UNKNOWN;
    }
  }
}
