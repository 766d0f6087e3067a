package io.resettracer.cli;

/** A command that cannot go on: one line for the user, and the exit code that goes with it. */
final class CliFailure extends Exception {

  static final int FAILED = 1;
  static final int USAGE = 2;

  private static final long serialVersionUID = 1L;

  final int exitCode;

  private CliFailure(int exitCode, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  /** The attach, the target, or the agent failed. */
  static CliFailure failed(String message) {
    return new CliFailure(FAILED, message);
  }

  /** The command line itself is wrong. */
  static CliFailure usage(String message) {
    return new CliFailure(USAGE, message);
  }
}
