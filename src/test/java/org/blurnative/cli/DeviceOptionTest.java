package org.blurnative.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.blurnative.kernel.Backend;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/** --device and the backend it implies: what runs here, and one sentence for what cannot. */
class DeviceOptionTest {

  @Test
  void cpuIsTheDeviceAndItsFusedKernelTheBackend() {
    Device cpu = DeviceOption.parse("cpu", 0);
    assertTrue(cpu.is_cpu());
    assertEquals(Backend.CPU, DeviceOption.backend("auto", cpu));
    for (String name : new String[] {"cpu", "java", "torch"}) {
      assertEquals(Backend.parse(name), DeviceOption.backend(name, cpu));
    }
  }

  @Test
  void aBackendThatCannotReachTheDevicesMemoryIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DeviceOption.backend("cuda", new Device("cpu")));
    assertEquals("--backend cuda cannot update buffers on --device cpu (use cpu, torch, java or auto)", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> DeviceOption.backend("gpu", new Device("cpu")));
  }

  @Test
  void malformedDevicesAreOneSentence() {
    for (String bad : new String[] {"gpu", "cuda:", "cuda:x", "CPU", ""}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceOption.parse(bad, 0));
      assertEquals("--device must be cpu, cuda or cuda:N, got '" + bad + "'", e.getMessage());
    }
  }

  /** This build's LibTorch is the CPU one (or no GPU is visible): cuda is refused, saying how to get one. */
  @Test
  void cudaWithoutAVisibleGpuSaysWhy() {
    if (torch.cuda_is_available()) {
      System.out.println("cudaWithoutAVisibleGpuSaysWhy: a CUDA device is visible, so --device cuda is accepted here");
      assertTrue(DeviceOption.parse("cuda:0", 0).is_cuda());
      return;
    }
    for (String cuda : new String[] {"cuda", "cuda:0", "cuda:3"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceOption.parse(cuda, 0));
      assertEquals("--device " + cuda + ": LibTorch sees no CUDA device (no GPU or driver here, or this is the CPU build:"
          + " build the GPU jar with scripts/build-gpu-jar.sh)", e.getMessage());
    }
  }

  @Test
  void trainRefusesCudaHereInOneLineBeforeLoadingAnything() {
    if (torch.cuda_is_available()) {
      System.out.println("trainRefusesCudaHereInOneLineBeforeLoadingAnything: a GPU is visible; nothing to refuse");
      return;
    }
    CommandRunner.Result r = CommandRunner.run("train", "--model", "no-such-model", "--forget", "f.jsonl",
        "--retain", "r.jsonl", "--out", "never-written", "--device", "cuda");
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().strip().startsWith("blur-native train: --device cuda: LibTorch sees no CUDA device"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }
}
