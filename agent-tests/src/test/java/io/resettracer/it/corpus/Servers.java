package io.resettracer.it.corpus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The corpus's real servers, Debian's packages run with configurations of the lab's own: each
 * listens only on the lab's addresses, writes only into the lab's folder, and is started in the
 * foreground so the lab can stop, kill and restart it.
 */
final class Servers {

  private Servers() {}

  /** A started server: how to start it again (after a crash) and where it listens. */
  static final class Server {
    private final Lab lab;
    private final String ns;
    private final String name;
    private final String[] command;
    private final String address;
    private final int port;
    Process process;

    Server(Lab lab, String ns, String name, String address, int port, String... command) {
      this.lab = lab;
      this.ns = ns;
      this.name = name;
      this.address = address;
      this.port = port;
      this.command = command;
    }

    Server start() throws IOException, InterruptedException {
      process = lab.start(ns, name, command);
      lab.awaitListening(ns, address, port, process);
      return this;
    }

    /** SIGSTOP: the process stays, its sockets stay, nothing is read or accepted. */
    void stop() throws IOException, InterruptedException {
      Lab.signal(process, "STOP");
    }

    /** SIGKILL, as a crash or an OOM kill: its kernel closes every socket it had. */
    void kill() throws IOException, InterruptedException {
      killTogether(List.of(this));
    }

    /** Kills several servers in one go: a host's services dying together. */
    static void killTogether(List<Server> servers) throws IOException, InterruptedException {
      Lab.signal(servers.stream().map(s -> s.process).toList(), "KILL");
      for (Server s : servers) {
        s.process.waitFor();
      }
    }

    /** Stops several servers in one go. */
    static void stopTogether(List<Server> servers) throws IOException, InterruptedException {
      Lab.signal(servers.stream().map(s -> s.process).toList(), "STOP");
    }
  }

  /** nginx with the lab's own folder for its files; {@code http} is the inside of its http block. */
  static Server nginx(Lab lab, String name, String address, int port, String http)
      throws IOException, InterruptedException {
    return nginx(lab, name, address, port, 64, http);
  }

  /** nginx with one worker of {@code workerConnections} (its listening sockets count too). */
  static Server nginx(Lab lab, String name, String address, int port, int workerConnections,
      String http) throws IOException, InterruptedException {
    Path root = lab.dir.resolve(name);
    Files.createDirectories(root.resolve("html"));
    Files.writeString(root.resolve("html/index.html"), "hello from " + name + "\n");
    // A download big enough to be under way when a path degrades.
    Files.write(root.resolve("html/big.bin"), new byte[256 * 1024]);
    // Too big for any socket buffer: a client that does not read it keeps the server busy.
    try (java.io.RandomAccessFile huge = new java.io.RandomAccessFile(
        root.resolve("html/huge.bin").toFile(), "rw")) {
      huge.setLength(256L * 1024 * 1024); // sparse: no disk written
    }
    String conf = "daemon off;\nmaster_process on;\nworker_processes 1;\nuser root;\n"
        + "pid " + root + "/nginx.pid;\nerror_log " + root + "/error.log warn;\n"
        + "events { worker_connections " + workerConnections + "; }\n"
        + "http {\n  access_log off;\n  client_body_temp_path " + root + "/body;\n"
        + "  proxy_temp_path " + root + "/proxy;\n  fastcgi_temp_path " + root + "/fcgi;\n"
        + "  uwsgi_temp_path " + root + "/uwsgi;\n  scgi_temp_path " + root + "/scgi;\n"
        + "  root " + root + "/html;\n" + http.replace("$ROOT", root.toString()) + "\n}\n";
    Path file = root.resolve("nginx.conf");
    Files.writeString(file, conf);
    return new Server(lab, lab.servers, name, address, port, "nginx", "-c", file.toString())
        .start();
  }

  /** redis-server on {@code address:port}, nothing saved, with extra directives. */
  static Server redis(Lab lab, String name, String address, int port, String... directives)
      throws IOException, InterruptedException {
    Path root = lab.dir.resolve(name);
    Files.createDirectories(root);
    List<String> command = new ArrayList<>(List.of("redis-server", "--bind", address, "--port",
        Integer.toString(port), "--save", "", "--appendonly", "no", "--dir", root.toString(),
        "--daemonize", "no", "--protected-mode", "no", "--loglevel", "warning"));
    for (String d : directives) {
      String[] kv = d.split(" ", 2);
      command.add("--" + kv[0]);
      command.add(kv[1]);
    }
    return new Server(lab, lab.servers, name, address, port, command.toArray(String[]::new))
        .start();
  }

  /** Apache httpd (event MPM) on {@code address:port}; {@code directives} added to its config. */
  static Server apache(Lab lab, String name, String address, int port, String directives)
      throws IOException, InterruptedException {
    Path root = lab.dir.resolve(name);
    Files.createDirectories(root.resolve("htdocs"));
    Files.writeString(root.resolve("htdocs/index.html"), "hello from " + name + "\n");
    for (Path p : List.of(root, root.resolve("htdocs"), root.resolve("htdocs/index.html"))) {
      p.toFile().setReadable(true, false);
      p.toFile().setExecutable(true, false);
    }
    String modules = "/usr/lib/apache2/modules/";
    String conf = "ServerRoot \"" + root + "\"\nPidFile " + root + "/httpd.pid\n"
        + "Mutex file:" + root + "\n"
        + "LoadModule mpm_event_module " + modules + "mod_mpm_event.so\n"
        + "LoadModule authz_core_module " + modules + "mod_authz_core.so\n"
        + "Listen " + address + ":" + port + "\nServerName corpus\n"
        + "User www-data\nGroup www-data\nErrorLog " + root + "/error.log\n"
        + "DocumentRoot " + root + "/htdocs\n" + directives + "\n";
    Path file = root.resolve("httpd.conf");
    Files.writeString(file, conf);
    return new Server(lab, lab.servers, name, address, port, "apache2", "-f", file.toString(),
        "-DFOREGROUND").start();
  }

  /** HAProxy in {@code ns} (the router: a load balancer in the path), foreground. */
  static Server haproxy(Lab lab, String ns, String name, String address, int port, String config)
      throws IOException, InterruptedException {
    Path root = lab.dir.resolve(name);
    Files.createDirectories(root);
    Path file = root.resolve("haproxy.cfg");
    Files.writeString(file, config);
    return new Server(lab, ns, name, address, port, "haproxy", "-db", "-f", file.toString())
        .start();
  }
}
