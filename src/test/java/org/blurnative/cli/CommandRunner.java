package org.blurnative.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the CLI in-process, capturing its two streams. */
final class CommandRunner {
  record Result(int exit, String out, String err) {}

  private CommandRunner() {}

  static Result run(String... args) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = Main.run(cli, args);
    return new Result(exit, out.toString(), err.toString());
  }
}
