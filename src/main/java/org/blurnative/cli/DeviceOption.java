package org.blurnative.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.blurnative.kernel.Backend;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.global.torch;

/**
 * --device cpu|cuda|cuda:N: where the model, batches, losses, flat θ, gradients and optimizer
 * state live. What cannot work is one sentence before anything is loaded: no CUDA device visible
 * to LibTorch (no GPU, no driver, or this jar's CPU build of LibTorch), or an index past the last.
 */
final class DeviceOption {
  private static final Pattern CUDA = Pattern.compile("cuda(?::(\\d+))?");

  private DeviceOption() {}

  /** The device {@code text} names, checked against what LibTorch sees; LOCAL_RANK picks a bare "cuda"'s GPU. */
  static Device parse(String text, int localRank) {
    if (text.equals("cpu")) {
      return new Device("cpu");
    }
    Matcher m = CUDA.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("--device must be cpu, cuda or cuda:N, got '" + text + "'");
    }
    if (!torch.cuda_is_available()) {
      throw new IllegalArgumentException("--device " + text + ": LibTorch sees no CUDA device (no GPU or driver here,"
          + " or this is the CPU build: build the GPU jar with scripts/build-gpu-jar.sh)");
    }
    int count = torch.cuda_device_count();
    int index = m.group(1) != null ? Integer.parseInt(m.group(1)) : localRank;
    if (index >= count) {
      throw new IllegalArgumentException("--device " + text + (m.group(1) == null ? " (LOCAL_RANK " + localRank + ")" : "")
          + ": this machine has " + count + " CUDA device" + (count == 1 ? "" : "s"));
    }
    return new Device("cuda:" + index);
  }

  /**
   * The backend --backend names for {@code device}: "auto" is the device's fused kernel (cpu or
   * cuda); the others must run where the device's memory is (torch runs anywhere).
   */
  static Backend backend(String name, Device device) {
    if (name.equals("auto")) {
      return device.is_cuda() ? Backend.CUDA : Backend.CPU;
    }
    Backend backend = Backend.parse(name);
    boolean fits = switch (backend) {
      case CUDA -> device.is_cuda();
      case CPU, JAVA -> device.is_cpu();
      case TORCH -> true;
    };
    if (!fits) {
      throw new IllegalArgumentException("--backend " + name + " cannot update buffers on --device "
          + device.str().getString() + " (" + (device.is_cuda() ? "use cuda, torch or auto" : "use cpu, torch, java or auto") + ")");
    }
    return backend;
  }
}
