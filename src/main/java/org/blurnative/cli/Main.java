package org.blurnative.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar blur-native.jar <command>}. */
@Command(
    name = "blur-native",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Bi-Level UnleaRning (BLUR) for LLaMA-family models over LibTorch.",
    subcommands = {BenchCommand.class})
public final class Main {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line; tests run it in-process. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler(new UserErrorHandler());
    return cli;
  }
}
