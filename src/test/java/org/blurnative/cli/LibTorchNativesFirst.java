package org.blurnative.cli;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * The jar's guard for the test JVM: LibTorch's libraries in JavaCPP's cache before any test class
 * loads them, so that on a fresh cache the system's libtorch_cpu.so (Debian's libtorch-dev) is not
 * linked beside ours ({@link LibTorchNatives} says why; without this the first test JVM on such a
 * machine aborts). Registered in META-INF/services; JUnit opens the session before discovery.
 */
public final class LibTorchNativesFirst implements LauncherSessionListener {
  @Override
  public void launcherSessionOpened(LauncherSession session) {
    LibTorchNatives.extractBeforeLoading();
  }
}
