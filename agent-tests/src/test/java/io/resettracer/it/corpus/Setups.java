package io.resettracer.it.corpus;

import io.resettracer.it.corpus.Servers.Server;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The corpus: real servers and middleboxes in a lab, a real client library, and the cause that
 * truly made its resets, with why that label is right. At least two different setups per cause
 * (different server software, a different middlebox, FIN against RST, different libraries), so a
 * rule that fits one setup and not the cause shows up.
 *
 * <p>Idle limits, keep-alives and timeouts are short (1–3 s) so the whole corpus stays quick; the
 * physics does not depend on the number, only on which side acts and how.
 */
final class Setups {

  private Setups() {}

  /** An action the client asks for at a point of its script. */
  interface Action {
    void run() throws Exception;
  }

  /** What the client does once the lab is up, and the actions it may ask for. */
  record Plan(String lib, String steps, List<String> targets, int conns,
      Map<String, Action> actions) {}

  interface Builder {
    Plan build(Lab lab) throws Exception;
  }

  /** One setup: its true cause, how many server addresses its lab needs, and how to build it. */
  record Setup(String name, String cause, int hosts, Builder builder) {}

  static final List<Setup> ALL = List.of(
      // IDLE_TIMEOUT: a load balancer in TCP mode with a 1 s client timeout and `option nolinger`
      // (it aborts with an RST instead of closing): it resets the client's idle connections on its
      // own, while the server behind it (nginx, keep-alive 60 s) never closed anything. The pool
      // reuses them after 1.7 s: every failure is the middlebox's idle limit. HC5 defaults
      // (validation only after 2 s of inactivity).
      new Setup("idle-haproxy-rst-hc5", "IDLE_TIMEOUT", 1, lab -> {
        Servers.nginx(lab, "nginx", lab.host(0), 80,
            "  keepalive_timeout 60s;\n  server { listen " + lab.host(0) + ":80;"
                + " location / { return 200 \"ok\\n\"; } }");
        String vip = lab.routerClientSide();
        Servers.haproxy(lab, lab.router, "haproxy", vip, 8080,
            "defaults\n  mode tcp\n  option nolinger\n  timeout connect 2s\n"
                + "  timeout client 1s\n  timeout server 60s\n"
                + "frontend lb\n  bind " + vip + ":8080\n  default_backend web\n"
                + "backend web\n  server web1 " + lab.host(0) + ":80\n");
        return plan("hc5", "warm,sleep:500,round,sleep:1700,round,sleep:500,round,sleep:1700,round",
            List.of("http://" + vip + ":8080/"), 3);
      }),
      // IDLE_TIMEOUT: a NAT (DNAT + masquerade) whose connection tracking forgets established
      // flows after 2 s idle and, strict (nf_conntrack_tcp_loose=0), answers the next packet of a
      // forgotten flow with an RST: the NAT's idle limit, redis (timeout 0) never closes. Jedis.
      new Setup("idle-nat-conntrack-jedis", "IDLE_TIMEOUT", 1, lab -> {
        Servers.redis(lab, "redis", lab.host(0), 6379);
        String vip = lab.routerClientSide();
        natTo(lab, vip, 6379, lab.host(0), 6379);
        lab.sysctl(lab.router, "net.netfilter.nf_conntrack_tcp_timeout_established", "2");
        return plan("jedis", "warm,sleep:800,round,sleep:3000,round,sleep:800,round,sleep:3000,round",
            List.of(vip + ":6379"), 3);
      }),
      // KEEPALIVE_MISMATCH: nginx closes keep-alive connections idle 1 s (FIN); HC5's pool keeps
      // them for 3 min and, below its 2 s validation, reuses them unchecked after 1.6 s.
      new Setup("keepalive-nginx-hc5", "KEEPALIVE_MISMATCH", 1, lab -> {
        Servers.nginx(lab, "nginx", lab.host(0), 80,
            "  keepalive_timeout 1s;\n  server { listen " + lab.host(0) + ":80;"
                + " location / { return 200 \"ok\\n\"; } }");
        return plan("hc5", "warm,sleep:500,round,sleep:1600,round,sleep:500,round,sleep:1600,round",
            List.of("http://" + lab.host(0) + "/"), 3);
      }),
      // KEEPALIVE_MISMATCH: Apache httpd (event MPM) with KeepAliveTimeout 1 closes idle
      // connections with FIN; OkHttp ignores its Keep-Alive header and keeps them 5 min.
      new Setup("keepalive-apache-okhttp", "KEEPALIVE_MISMATCH", 1, lab -> {
        Servers.apache(lab, "apache", lab.host(0), 80, "KeepAlive On\nKeepAliveTimeout 1\n");
        return plan("okhttp", "warm,sleep:500,round,sleep:1800,round,sleep:500,round,sleep:1800,round",
            List.of("http://" + lab.host(0) + "/index.html"), 3);
      }),
      // KEEPALIVE_MISMATCH: redis with `timeout 1` closes clients idle over a second (FIN, from its
      // cron, so up to a second late); Jedis connections reused after 2.5 s meet the close.
      new Setup("keepalive-redis-timeout-jedis", "KEEPALIVE_MISMATCH", 1, lab -> {
        Servers.redis(lab, "redis", lab.host(0), 6379, "timeout 1");
        return plan("jedis", "warm,sleep:400,round,sleep:2500,round,sleep:400,round,sleep:2500,round",
            List.of(lab.host(0) + ":6379"), 3);
      }),
      // PEER_CRASH: three redis servers on one host are killed together (SIGKILL, as an OOM kill
      // of the host's services) while requests wait unread in their sockets, so their kernel
      // resets those connections; connects are refused until they are restarted. The pooled
      // connections had sat idle 1.2 s before the request that failed: idle did not kill them.
      new Setup("crash-redis-host-jedis", "PEER_CRASH", 1, lab -> {
        List<Server> redis = new ArrayList<>();
        for (int port : new int[] {6379, 6380, 6381}) {
          redis.add(Servers.redis(lab, "redis" + port, lab.host(0), port));
        }
        return crash(lab, "jedis", redis, List.of(lab.host(0) + ":6379", lab.host(0) + ":6380",
            lab.host(0) + ":6381"), 2, "warm,sleep:1200");
      }),
      // PEER_CRASH: nginx and Apache httpd on one host die together with requests outstanding
      // (SIGKILL of both), then come back; OkHttp (its default: it retries a failed connection
      // once, and meets the refusal). The connections were busy.
      new Setup("crash-web-host-okhttp", "PEER_CRASH", 1, lab -> {
        List<Server> web = new ArrayList<>();
        web.add(Servers.nginx(lab, "nginx", lab.host(0), 80,
            "  keepalive_timeout 60s;\n  server { listen " + lab.host(0) + ":80;"
                + " location / { return 200 \"ok\\n\"; } }"));
        web.add(Servers.apache(lab, "apache", lab.host(0), 81,
            "KeepAlive On\nKeepAliveTimeout 60\n"));
        return crash(lab, "okhttp-retry", web, List.of("http://" + lab.host(0) + ":80/",
            "http://" + lab.host(0) + ":81/index.html"), 2, "warm,sleep:200,round");
      }),
      // RESOURCE_EXHAUSTION: nginx out of worker connections (5, one of them its listener): four
      // downloads the client has not read yet hold them (not idle keep-alives, which nginx would
      // close to make room), and new connections, accepted once their request has arrived
      // (deferred accept), are closed at once with the request unread: an RST on a brand-new
      // connection while the older ones keep working. JDK HttpClient.
      new Setup("exhaustion-nginx-workers-jdk", "RESOURCE_EXHAUSTION", 1, lab -> {
        Servers.nginx(lab, "nginx", lab.host(0), 80, 5,
            "  keepalive_timeout 60s;\n  server { listen " + lab.host(0) + ":80 deferred;"
                + " location / { } }");
        return plan("jdk", "hold:huge.bin,sleep:300,burst:5,sleep:300,burst:5",
            List.of("http://" + lab.host(0) + "/index.html"), 4);
      }),
      // RESOURCE_EXHAUSTION: a proxy at its connection limit: HAProxy in front of nginx refuses
      // connections beyond 4 at once (tcp-request connection reject, which closes with an RST).
      // Four downloads the client has not read yet hold the slots; the pool's new connections,
      // connected, are reset before a byte comes back. OkHttp, which lets the application see it.
      new Setup("exhaustion-haproxy-limit-okhttp", "RESOURCE_EXHAUSTION", 1, lab -> {
        Servers.nginx(lab, "nginx", lab.host(0), 80,
            "  keepalive_timeout 60s;\n  server { listen " + lab.host(0) + ":80;"
                + " location / { return 200 \"ok\\n\"; } }");
        String vip = lab.routerClientSide();
        Servers.haproxy(lab, lab.router, "haproxy", vip, 8080,
            "defaults\n  mode tcp\n  timeout connect 2s\n  timeout client 60s\n"
                + "  timeout server 60s\n"
                + "frontend lb\n  bind " + vip + ":8080\n"
                + "  tcp-request connection reject if { fe_conn gt 4 }\n"
                + "  default_backend web\n"
                + "backend web\n  server web1 " + lab.host(0) + ":80\n");
        return plan("okhttp", "hold:huge.bin,sleep:300,burst:4,sleep:300,burst:4",
            List.of("http://" + vip + ":8080/index.html"), 4);
      }),
      // NETWORK_DEVICE: a firewall policy change resets every established flow it forwards to
      // three hosts (REJECT with tcp-reset of every non-SYN packet), for a moment; neither end closed, and
      // new connections pass. HC5 with busy connections.
      new Setup("device-firewall-reject-hc5", "NETWORK_DEVICE", 3, lab -> {
        Servers.nginx(lab, "nginx", lab.host(0), 80,
            "  keepalive_timeout 60s;\n  server { listen " + lab.host(0) + ":80; listen "
                + lab.host(1) + ":80; listen " + lab.host(2) + ":80;"
                + " location / { return 200 \"ok\\n\"; } }");
        // Every packet but a SYN: the flows already established; new connections pass.
        String rule = "FORWARD -p tcp -s " + lab.clientNet() + " -d " + lab.serverNet()
            + " ! --syn -j REJECT --reject-with tcp-reset";
        Map<String, Action> actions = Map.of("cut", () -> {
          lab.in(lab.router, ("iptables -I " + rule).split(" "));
          Thread.sleep(400);
          lab.in(lab.router, ("iptables -D " + rule).split(" "));
        });
        return new Plan("hc5", "warm,busy:3000:150,sleep:1200,action:cut,join",
            List.of("http://" + lab.host(0) + "/", "http://" + lab.host(1) + "/",
                "http://" + lab.host(2) + "/"), 2, actions);
      }),
      // NETWORK_DEVICE: a stateful firewall (strict: out-of-state packets are INVALID and
      // rejected with an RST) loses its state table (conntrack -F, as a failover or a flush):
      // every flow to three redis hosts is reset at its next packet. Lettuce on Netty NIO.
      new Setup("device-conntrack-flush-lettuce", "NETWORK_DEVICE", 3, lab -> {
        List<String> targets = new ArrayList<>();
        for (int h = 0; h < 3; h++) {
          Servers.redis(lab, "redis" + h, lab.host(h), 6379);
          targets.add(lab.host(h) + ":6379");
        }
        strictFirewall(lab);
        Map<String, Action> actions = Map.of("flush", () -> lab.in(lab.router, "conntrack", "-F"));
        return new Plan("lettuce-nio", "warm,busy:3000:150,sleep:1200,action:flush,join",
            targets, 2, actions);
      }),
      // LARGE_PAYLOAD: HAProxy in front of nginx denies requests declaring a body over 256 KiB
      // (413) and closes while the 16 MiB upload is still coming: the uploader's write fails
      // mid-body, once the socket buffers (some MiB) are full. HC5, which writes the whole body
      // before it reads.
      new Setup("large-haproxy-deny-hc5", "LARGE_PAYLOAD", 1, lab -> {
        Servers.nginx(lab, "nginx", lab.host(0), 80,
            "  keepalive_timeout 60s;\n  server { listen " + lab.host(0) + ":80;"
                + " location / { return 200 \"ok\\n\"; } }");
        String vip = lab.routerClientSide();
        Servers.haproxy(lab, lab.router, "haproxy", vip, 8080,
            "defaults\n  mode http\n  timeout connect 2s\n  timeout client 60s\n"
                + "  timeout server 60s\n"
                + "frontend lb\n  bind " + vip + ":8080\n"
                + "  http-request deny deny_status 413 if { req.hdr_val(content-length) gt 262144 }\n"
                + "  default_backend web\n"
                + "backend web\n  server web1 " + lab.host(0) + ":80\n");
        return plan("hc5", "warm,upload:16777216,sleep:300,upload:16777216",
            List.of("http://" + vip + ":8080/"), 2);
      }),
      // LARGE_PAYLOAD: redis refuses a bulk string over proto-max-bulk-len (1 MiB) as soon as it
      // reads its length and closes the client with the rest of the 16 MiB value unread. Jedis.
      new Setup("large-redis-bulk-jedis", "LARGE_PAYLOAD", 1, lab -> {
        Servers.redis(lab, "redis", lab.host(0), 6379, "proto-max-bulk-len 1mb");
        return plan("jedis", "warm,upload:16777216,sleep:300,upload:16777216",
            List.of(lab.host(0) + ":6379"), 2);
      }),
      // NETWORK_INSTABILITY: the router loses 30 % of packets; nginx gives up on a client whose
      // download stalls 1 s and resets it (send_timeout, reset_timedout_connection); then the
      // path dies (100 % loss) and the kernel gives up retransmitting (tcp_retries2=3).
      new Setup("loss-nginx-download-jdk", "NETWORK_INSTABILITY", 1, lab -> {
        Servers.nginx(lab, "nginx", lab.host(0), 80,
            "  keepalive_timeout 60s;\n  send_timeout 1s;\n  reset_timedout_connection on;\n"
                + "  server { listen " + lab.host(0) + ":80; location / { } }");
        return lossy(lab, "jdk", "warm,action:loss,download:big.bin,"
            + "action:blackhole,round", List.of("http://" + lab.host(0) + "/index.html"), 3);
      }),
      // NETWORK_INSTABILITY: 30 % loss between Lettuce (Netty epoll) and redis while 512 KiB
      // values are read, then the path dies and the kernel gives up retransmitting.
      new Setup("loss-redis-lettuce-epoll", "NETWORK_INSTABILITY", 1, lab -> {
        Servers.redis(lab, "redis", lab.host(0), 6379);
        return lossy(lab, "lettuce-epoll", "warm,upload:524288,action:loss,"
            + "download:corpus-upload,download:corpus-upload,action:blackhole,round",
            List.of(lab.host(0) + ":6379"), 3);
      }),
      // CONNECTION_LIFETIME: nginx ends every keep-alive connection older than 3 s
      // (keepalive_time) after the reply it serves past that age, with a FIN. A hand-rolled
      // keep-alive client that ignores the reply's Connection: close reuses it and its next
      // request meets the close. Its three connections request every 150, 250 and 350 ms: each
      // is ended at 3.0–3.4 s of age, after 20, 12 or 9 exchanges, never idle a second.
      new Setup("lifetime-nginx-keepalive-time-raw", "CONNECTION_LIFETIME", 1, lab -> {
        Servers.nginx(lab, "nginx", lab.host(0), 80,
            "  keepalive_timeout 60s;\n  keepalive_requests 100000;\n  keepalive_time 3s;\n"
                + "  server { listen " + lab.host(0) + ":80;"
                + " location / { return 200 \"ok\\n\"; } }");
        return plan("raw-http", "paced:11000:150:100", List.of("http://" + lab.host(0) + "/"),
            3);
      }),
      // CONNECTION_LIFETIME through a load balancer: HAProxy in TCP mode in front of nginx
      // (keepalive_time 2 s). The client's connections end at HAProxy, which closes its side when
      // nginx closes the other: the age limit is the server's, the close the client meets is the
      // hop's. Four connections at 120, 200, 280 and 360 ms.
      new Setup("lifetime-haproxy-nginx-raw", "CONNECTION_LIFETIME", 1, lab -> {
        Servers.nginx(lab, "nginx", lab.host(0), 80,
            "  keepalive_timeout 60s;\n  keepalive_requests 100000;\n  keepalive_time 2s;\n"
                + "  server { listen " + lab.host(0) + ":80;"
                + " location / { return 200 \"ok\\n\"; } }");
        String vip = lab.routerClientSide();
        Servers.haproxy(lab, lab.router, "haproxy", vip, 8080,
            "defaults\n  mode tcp\n  timeout connect 2s\n  timeout client 60s\n"
                + "  timeout server 60s\n"
                + "frontend lb\n  bind " + vip + ":8080\n  default_backend web\n"
                + "backend web\n  server web1 " + lab.host(0) + ":80\n");
        return plan("raw-http", "paced:9000:120:80", List.of("http://" + vip + ":8080/"), 4);
      }),
      // REQUEST_LIMIT: nginx ends a keep-alive connection after its 5th request
      // (keepalive_requests), with a FIN after the reply; the same hand-rolled client reuses it
      // and its 6th request meets the close. Paces of 150, 300 and 450 ms: every failure after
      // exactly 5 exchanges, at 0.6–1.9 s of age, never idle a second.
      new Setup("requests-nginx-keepalive-requests-raw", "REQUEST_LIMIT", 1, lab -> {
        Servers.nginx(lab, "nginx", lab.host(0), 80,
            "  keepalive_timeout 60s;\n  keepalive_requests 5;\n"
                + "  server { listen " + lab.host(0) + ":80;"
                + " location / { return 200 \"ok\\n\"; } }");
        return plan("raw-http", "paced:8000:150:150", List.of("http://" + lab.host(0) + "/"),
            3);
      }),
      // REQUEST_LIMIT: Apache httpd (event MPM) with MaxKeepAliveRequests 5 closes a connection
      // after the reply to its 5th request (FIN); the hand-rolled client's 6th meets the close.
      new Setup("requests-apache-max-keepalive-raw", "REQUEST_LIMIT", 1, lab -> {
        Servers.apache(lab, "apache", lab.host(0), 80,
            "KeepAlive On\nKeepAliveTimeout 60\nMaxKeepAliveRequests 5\n");
        return plan("raw-http", "paced:8000:150:150",
            List.of("http://" + lab.host(0) + "/index.html"), 3);
      }));

  private static Plan plan(String lib, String steps, List<String> targets, int conns) {
    return new Plan(lib, steps, targets, conns, Map.of());
  }

  /** Requests wait unread in stopped servers, which are then killed, and later restarted. */
  private static Plan crash(Lab lab, String lib, List<Server> servers, List<String> targets,
      int conns, String before) {
    Map<String, Action> actions = new LinkedHashMap<>();
    actions.put("stop", () -> Server.stopTogether(servers));
    actions.put("kill", () -> Server.killTogether(servers));
    actions.put("restart", () -> {
      for (Server s : servers) {
        s.start();
      }
    });
    return new Plan(lib, before + ",action:stop,launch,sleep:300,action:kill,join,sleep:200,round,"
        + "sleep:300,round,action:restart,round", targets, conns, actions);
  }

  /** Loss of 30 % on the router ("loss"), then of everything ("blackhole"). */
  private static Plan lossy(Lab lab, String lib, String steps, List<String> targets, int conns)
      throws Exception {
    lab.sysctl(lab.client, "net.ipv4.tcp_retries2", "3");
    Map<String, Action> actions = new LinkedHashMap<>();
    actions.put("loss", () -> lab.in(lab.router, "iptables", "-A", "FORWARD", "-m", "statistic",
        "--mode", "random", "--probability", "0.3", "-j", "DROP"));
    actions.put("blackhole", () -> lab.in(lab.router, "iptables", "-I", "FORWARD", "-j", "DROP"));
    return new Plan(lib, steps, targets, conns, actions);
  }

  /** Connection tracking that rejects what it has no state for, with an RST. */
  private static void strictFirewall(Lab lab) throws Exception {
    lab.sysctl(lab.router, "net.netfilter.nf_conntrack_tcp_loose", "0");
    for (String chain : List.of("FORWARD", "INPUT")) {
      lab.in(lab.router, "iptables", "-A", chain, "-p", "tcp", "-m", "conntrack", "--ctstate",
          "INVALID", "-j", "REJECT", "--reject-with", "tcp-reset");
    }
  }

  /** A NAT on the router: {@code vip:port} to {@code host:hostPort}, strict about its state. */
  private static void natTo(Lab lab, String vip, int port, String host, int hostPort)
      throws Exception {
    strictFirewall(lab);
    lab.in(lab.router, "iptables", "-t", "nat", "-A", "PREROUTING", "-d", vip, "-p", "tcp",
        "--dport", Integer.toString(port), "-j", "DNAT", "--to-destination",
        host + ":" + hostPort);
    lab.in(lab.router, "iptables", "-t", "nat", "-A", "POSTROUTING", "-s", lab.clientNet(),
        "-j", "MASQUERADE");
  }
}
