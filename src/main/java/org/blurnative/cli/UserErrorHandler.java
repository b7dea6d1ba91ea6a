package org.blurnative.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.blurnative.dist.RankLostException;
import org.blurnative.kernel.KernelUnavailableException;
import org.blurnative.train.TrainingAbortedException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns the errors a user can cause (bad arguments, missing files, an unavailable backend) into
 * one line on stderr and exit code 2, a training run that had to stop into one line and exit code
 * 3 (as is a run whose other ranks were lost); anything else is a bug and keeps its stack trace.
 */
final class UserErrorHandler implements IExecutionExceptionHandler {
  static final int USER_ERROR = 2;
  static final int TRAINING_ABORTED = 3;

  @Override
  public int handleExecutionException(Exception e, CommandLine cli, ParseResult parsed)
      throws Exception {
    if (e instanceof TrainingAbortedException || e instanceof RankLostException) {
      cli.getErr().println("blur-native " + cli.getCommandName() + ": " + e.getMessage());
      return TRAINING_ABORTED;
    }
    if (e instanceof IllegalArgumentException
        || e instanceof KernelUnavailableException
        || e instanceof IOException) {
      cli.getErr().println("blur-native " + cli.getCommandName() + ": " + e.getMessage());
      return USER_ERROR;
    }
    if (e instanceof UncheckedIOException u) {  // a file-system failure inside a callback
      cli.getErr().println("blur-native " + cli.getCommandName() + ": " + u.getCause().getMessage());
      return USER_ERROR;
    }
    throw e;
  }

  /** A malformed command line: one line naming the problem and where help is, exit code 2. */
  static final class BadArguments implements CommandLine.IParameterExceptionHandler {
    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args) {
      CommandLine cli = e.getCommandLine();
      cli.getErr().println("blur-native " + cli.getCommandName() + ": " + e.getMessage()
          + " (see '" + cli.getCommandSpec().qualifiedName() + " --help')");
      return USER_ERROR;
    }
  }
}
