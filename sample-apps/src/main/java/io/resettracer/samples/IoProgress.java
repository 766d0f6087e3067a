package io.resettracer.samples;

/**
 * How far an exchange got before it failed: the operation under way and the bytes written since
 * the last reply, so that the application's own report says what the agent should have seen.
 */
final class IoProgress {

  String operation = "connect";
  long writtenSinceRead;

  void writing() {
    operation = "write";
  }

  void wrote(long bytes) {
    writtenSinceRead += bytes;
  }

  void reading() {
    operation = "read";
  }

  void replied() {
    writtenSinceRead = 0;
  }
}
