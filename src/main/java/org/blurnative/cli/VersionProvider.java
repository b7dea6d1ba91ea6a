package org.blurnative.cli;

import picocli.CommandLine.IVersionProvider;

/** The project version from the jar manifest ("dev" when run from classes). */
final class VersionProvider implements IVersionProvider {
  static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"blur-native " + version()};
  }
}
