package org.blurnative.cli;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar blur-native.jar <command>}. */
@Command(
    name = "blur-native",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Bi-Level UnleaRning (BLUR) for LLaMA-family models over LibTorch.",
    subcommands = {TrainCommand.class, FinetuneCommand.class, EvalCommand.class, BenchCommand.class})
public final class Main {

  public static void main(String[] args) {
    LibTorchNatives.extractBeforeLoading();
    System.exit(run(args));
  }

  /** Parses and runs {@code args}; the exit code. Tests call this in-process. */
  public static int run(String... args) {
    return run(commandLine(), args);
  }

  /** As {@link #run(String...)} on a given command line (tests capture its streams). */
  public static int run(CommandLine cli, String... args) {
    try {
      applyConfigFile(cli, args);
    } catch (IllegalArgumentException e) {
      cli.getErr().println("blur-native: " + e.getMessage());
      return UserErrorHandler.USER_ERROR;
    }
    return cli.execute(args);
  }

  /** The configured command line. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler(new UserErrorHandler());
    cli.setParameterExceptionHandler(new UserErrorHandler.BadArguments());
    cli.setOverwrittenOptionsAllowed(true);  // a flag given twice: the last one wins; list options add up
    cli.registerConverter(Path.class, PathList::path);  // after the subcommands, so that they have it too
    cli.registerConverter(PathList.class, PathList::parse);
    return cli;
  }

  /**
   * `train --config FILE`: the file's values become the options' defaults, so flags win. Read
   * before parsing, since defaults must be known when the command line is parsed.
   */
  private static void applyConfigFile(CommandLine cli, String[] args) {
    if (args.length == 0 || !args[0].equals("train")) {
      return;
    }
    for (int i = 1; i < args.length; i++) {
      String path = args[i].startsWith("--config=") ? args[i].substring("--config=".length())
          : args[i].equals("--config") && i + 1 < args.length ? args[i + 1] : null;
      if (path != null && !path.isEmpty()) {  // an empty one is refused by the parser, as every empty path is
        CommandLine train = cli.getSubcommands().get("train");
        train.setDefaultValueProvider(ConfigFileDefaults.read(Path.of(path), train.getCommandSpec()));
        return;
      }
    }
  }
}
