package org.blurnative.dist;

import java.net.InetAddress;
import java.time.Duration;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.Backend;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.Store;
import org.bytedeco.pytorch.nccl.ProcessGroupNCCL;

/**
 * The c10d backend that moves a run's buffers, chosen by the device they live on, as PyTorch
 * picks them: Gloo for host memory, NCCL for CUDA devices (each rank's GPU is its --device,
 * LOCAL_RANK's by default).
 *
 * <p>NCCL's classes load LibTorch's GPU natives: only a GPU build with a visible GPU reaches them
 * (--device cuda is refused before that otherwise), and nothing in this project's tests can run
 * them; the Gloo path is what every distributed test runs.
 */
final class ProcessGroups {
  private ProcessGroups() {}

  static Backend create(Store store, LaunchEnvironment launch, Duration timeout, InetAddress master, Device device) {
    Milliseconds limit = new Milliseconds(timeout.toMillis());
    if (device.is_cuda()) {
      ProcessGroupNCCL.Options options = ProcessGroupNCCL.Options.create();
      options.timeout(limit);
      return new ProcessGroupNCCL(store, launch.rank(), launch.worldSize(), options);
    }
    ProcessGroupGloo.Options options = ProcessGroupGloo.Options.create(limit);
    options.devices().push_back(glooDevice(master));
    return new ProcessGroupGloo(store, launch.rank(), launch.worldSize(), options);
  }

  /**
   * Gloo's sockets: on the loopback interface when the whole run is on this machine, else on
   * GLOO_SOCKET_IFNAME's interface or the host name's address, as PyTorch picks them.
   */
  private static org.bytedeco.pytorch.gloo.Device glooDevice(InetAddress master) {
    if (master.isLoopbackAddress()) {
      return ProcessGroupGloo.createDeviceForHostname("127.0.0.1");
    }
    String iface = System.getenv("GLOO_SOCKET_IFNAME");
    return iface != null ? ProcessGroupGloo.createDeviceForInterface(iface) : ProcessGroupGloo.createDefaultDevice();
  }
}
