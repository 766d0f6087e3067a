package io.resettracer.it.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child process that keeps running while a test talks to it: lines to its standard input, its
 * output collected line by line as it comes, waits on lines with a deadline, and a forced kill on
 * close whatever happened.
 */
public final class LiveProcess implements AutoCloseable {

  private final Process process;
  private final List<String> command;
  private final PrintWriter in;
  private final List<String> out = new ArrayList<>();
  private final List<String> err = new ArrayList<>();
  private final List<Thread> readers = new ArrayList<>();

  private LiveProcess(List<String> command) throws IOException {
    this.command = command;
    this.process = new ProcessBuilder(command).start();
    this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    collect(process.getInputStream(), out, "stdout");
    collect(process.getErrorStream(), err, "stderr");
  }

  public static LiveProcess start(List<String> command) throws IOException {
    return new LiveProcess(command);
  }

  private void collect(InputStream stream, List<String> into, String name) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          synchronized (this) {
            into.add(line);
            notifyAll();
          }
        }
      } catch (IOException e) {
        // the process ended
      }
    }, "live-" + name + "-" + process.pid());
    t.setDaemon(true);
    readers.add(t);
    t.start();
  }

  public long pid() {
    return process.pid();
  }

  public Process process() {
    return process;
  }

  public void send(String line) {
    in.println(line);
  }

  /** The first line on standard output after index {@code from} that matches, waiting up to the deadline. */
  public String awaitOut(int from, Predicate<String> matches, long timeoutMillis)
      throws InterruptedException {
    return await(out, from, matches, timeoutMillis);
  }

  public String awaitErr(int from, Predicate<String> matches, long timeoutMillis)
      throws InterruptedException {
    return await(err, from, matches, timeoutMillis);
  }

  private synchronized String await(List<String> lines, int from, Predicate<String> matches,
      long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    int i = from;
    while (true) {
      for (; i < lines.size(); i++) {
        if (matches.test(lines.get(i))) {
          return lines.get(i);
        }
      }
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        throw new AssertionError("no matching line within " + timeoutMillis + " ms from " + command
            + "\n" + describe());
      }
      wait(left);
    }
  }

  /** Sends {@code command} and returns the first line on standard output that starts with {@code answer}. */
  public String ask(String command, String answer) throws InterruptedException {
    int from = outSize();
    send(command);
    return awaitOut(from, l -> l.startsWith(answer), 30_000);
  }

  public synchronized int outSize() {
    return out.size();
  }

  public synchronized int errSize() {
    return err.size();
  }

  public synchronized List<String> out() {
    return List.copyOf(out);
  }

  public synchronized List<String> err() {
    return List.copyOf(err);
  }

  public synchronized String describe() {
    return "--- stdout\n" + String.join("\n", out) + "\n--- stderr\n" + String.join("\n", err);
  }

  /** Waits for the process to exit and for its output to be read; false if it is still running. */
  public boolean awaitExit(long timeoutSeconds) throws InterruptedException {
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      return false;
    }
    for (Thread t : readers) {
      t.join(5_000);
    }
    return true;
  }

  /** Asks the process to end (SIGTERM), then forces it; returns its exit code. */
  public int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    in.close();
    if (process.isAlive()) {
      stop();
    }
  }
}
