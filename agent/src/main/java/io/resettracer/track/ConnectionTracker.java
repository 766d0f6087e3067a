package io.resettracer.track;

import io.resettracer.bootstrap.ConnectionIntrospector;
import io.resettracer.bootstrap.HookDispatcher;
import io.resettracer.model.FailureKind;
import io.resettracer.model.Operation;
import io.resettracer.model.ResetFacts;
import io.resettracer.model.Role;
import io.resettracer.model.Transport;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Keeps per-connection state up to date from the hooks and turns the first reset-family failure of
 * each connection into {@link ResetFacts} for the {@link ResetSink}.
 *
 * <p>The read and write paths are the hot path: the connection's state, a clock read and a few
 * field writes; no allocation, no lock, no logging. The state comes from the connection's own
 * state field where its class has one, and from the {@link ConnectionTable} where not.
 * Everything else happens only when a connection opens, is first seen, or fails. What a call costs
 * there is mostly the cache lines it touches (the kernel's socket path evicts them between calls),
 * so the coarse time sits in this object, beside the table.
 */
public final class ConnectionTracker implements HookDispatcher {

  /** How soon after a request its connection's end of stream counts as a premature close. */
  static final long STALE_CLOSE_WINDOW_NANOS = 500_000_000L;

  private final ConnectionTable table;
  private final StateFieldAccess fields;
  /** The coarse time, published by {@link #clock}; read through {@link #now}. */
  private volatile long nowNanos;
  private final CoarseClock clock = new CoarseClock(t -> nowNanos = t, () -> nowNanos);
  private final TlsEngineHandshakes tlsEngines = new TlsEngineHandshakes();
  private final PeerRegistry peers;
  private final ResetSink sink;
  private final LongAdder echoes = new LongAdder();
  private final LongAdder connectFailures = new LongAdder();
  private final LongAdder opened = new LongAdder();
  /** States put into connections' own fields, and how many of those connections were closed. */
  private final LongAdder ownState = new LongAdder();
  private final LongAdder ownStateClosed = new LongAdder();
  /**
   * Marks the states this tracker made, in place of a reference to it in each (4 bytes a state).
   * The trackers of successive attaches share this class (the system class loader defines the
   * agent's classes once), so each gets a stamp of its own; 24 bits of it, in the state's status.
   */
  private static final AtomicInteger STAMPS = new AtomicInteger();
  private final int stamp = STAMPS.incrementAndGet() & 0xFF_FFFF;

  public ConnectionTracker(int maxConnections, PeerRegistry peers, ResetSink sink) {
    this(maxConnections, peers, sink, new StateFieldAccess());
  }

  ConnectionTracker(int maxConnections, PeerRegistry peers, ResetSink sink, StateFieldAccess fields) {
    this.table = new ConnectionTable(maxConnections);
    this.peers = peers;
    this.sink = sink;
    this.fields = fields;
  }

  @Override
  public void opened(
      Object connection, Object state, int transport, boolean server, Object channel, Object remote) {
    if (state != null
        || (!fields.carried(connection, transport) && table.get(connection) != null)) {
      return; // finishConnect() reports success again on every call once connected
    }
    long now = now(); // opening is frequent under churn: the coarse clock, as for I/O
    InetSocketAddress remoteEnd = null;
    InetSocketAddress localEnd = null;
    boolean tcp = true;
    if (transport == io.resettracer.bootstrap.ResetTracerHooks.SOCKET) {
      // Always TCP. A client's peer is known now, for the peer's history; the rest of the endpoints
      // stay readable on the impl and are resolved only if the connection fails.
      remoteEnd = server ? null : connectedTo(remote, channel);
    } else {
      InetSocketAddress[] endpoints = ConnectionIntrospector.endpoints(channel);
      tcp = endpoints != null;
      if (tcp) {
        remoteEnd = endpoints[0];
        localEnd = endpoints[1];
      }
    }
    ConnectionState s =
        track(connection, transport, server ? Role.SERVER : Role.CLIENT, true, now, tcp, remoteEnd,
            localEnd);
    if (s != null && tcp) {
      opened.increment();
      if (!server && s.remote != null && s.peer == null) {
        // Client connections share what their peer taught: its idle limit, its refusals.
        PeerStats p = peers.of(s.remote, now);
        if (p != null) {
          p.connects++;
          s.peer = p;
        }
      }
    }
  }

  /**
   * The address a socket connected to: the connect's own argument, which the application built
   * already (reading the impl's fields instead cost a reflective read and a new address per
   * connection). The JDK connects to the local host when given the wildcard address; the impl's
   * fields then say where it went.
   */
  private static InetSocketAddress connectedTo(Object target, Object impl) {
    if (target instanceof InetSocketAddress) {
      InetSocketAddress a = (InetSocketAddress) target;
      if (a.getAddress() != null && !a.getAddress().isAnyLocalAddress()) {
        return a;
      }
    }
    return ConnectionIntrospector.remoteOfSocketImpl(impl);
  }

  @Override
  public void connectFailed(Object connection, int transport, Object remote, Throwable failure) {
    connectFailures.increment();
    long now = System.nanoTime();
    InetSocketAddress target = remote instanceof InetSocketAddress ? (InetSocketAddress) remote : null;
    FailureKind kind = FailureKind.of(failure);
    if (kind != FailureKind.RESET) {
      if (failure instanceof java.net.ConnectException && FailureKind.isRefusal(failure)) {
        // Refusals right after resets say the peer process is gone: history for the classifier.
        peers.refused(target, now);
      }
      return; // refused or timed out: not a reset event
    }
    ConnectionState s = track(connection, transport, Role.CLIENT, true, now, true, target, null);
    if (s != null) {
      failed(s, connection, Operation.CONNECT, failure, kind, now);
    }
  }

  // read() and written() are kept small, with every rare case out of line, so that the JIT inlines
  // them into the JDK's socket methods, which are large already: measured on JDK 25, the larger
  // versions were left out of line ("too big") in some compilations.

  @Override
  public void read(Object connection, Object state, int transport, long result, Throwable failure) {
    ConnectionState s = null;
    if (failure != null || (s = stateOf(connection, state)) == null || result <= 0) {
      offHotPath(Operation.READ, connection, state, s, transport, result, failure);
    } else if (s.tcp) {
      s.onRead(result, now());
    }
  }

  @Override
  public void written(Object connection, Object state, int transport, long result, Throwable failure) {
    ConnectionState s = null;
    if (failure != null || (s = stateOf(connection, state)) == null) {
      offHotPath(Operation.WRITE, connection, state, s, transport, result, failure);
    } else if (s.tcp && result > 0) {
      s.onWrite(result, now());
    }
  }

  /** The coarse time: one load, and a bit test that sends the first read of each tick out of line. */
  private long now() {
    long t = nowNanos;
    return CoarseClock.unread(t) ? clock.firstRead() : t;
  }

  /** The state the connection's field holds, or else the table's. */
  private ConnectionState stateOf(Object connection, Object state) {
    return state != null ? (ConnectionState) state : table.get(connection);
  }

  /**
   * Everything but a successful read or write on a tracked connection: a failure, a connection seen
   * for the first time, end of stream, an empty read. {@code state} is what the connection's own
   * field holds (null without one); {@code s} is the state the hot path already found, or null: an
   * empty read on a tracked connection (frequent in selector loops) is not looked up twice.
   */
  private void offHotPath(
      Operation op, Object connection, Object state, ConnectionState s, int transport, long result,
      Throwable failure) {
    FailureKind kind = failure == null ? null : FailureKind.of(failure);
    if (failure != null && kind == null) {
      return; // "Socket closed", a timeout: not a reset, and nothing to count
    }
    if (s == null) {
      s = stateOf(connection, state); // a failure skipped the hot path's lookup
    }
    if (s == null && (s = firstSeen(connection, transport)) == null) {
      return;
    }
    if (!s.tcp) {
      return;
    }
    if (failure != null) {
      failed(s, connection, op, failure, kind, System.nanoTime());
    } else if (result > 0) {
      if (op == Operation.READ) {
        s.onRead(result, now());
      } else {
        s.onWrite(result, now());
      }
    } else if (result == -1 && op == Operation.READ) {
      endOfStream(s, connection);
    }
  }

  @Override
  public void tlsEngineHandshaking(int peerPort) {
    tlsEngines.mark(peerPort, System.nanoTime());
  }

  @Override
  public void closed(Object connection, Object state) {
    if (state == null) {
      table.remove(connection);
    } else {
      ConnectionState s = (ConnectionState) state;
      if (s.ownedBy(stamp) && s.claimClose()) {
        ownStateClosed.increment(); // the state itself goes with the connection object
      }
    }
  }

  /**
   * End of stream is normally a clean close. Right after a request on a client connection, with no
   * reply read since, it is the peer having closed under the request: reported like a reset, once,
   * as a premature close. Three shapes: a reused keep-alive connection the peer had already closed
   * (the stale keep-alive), on a blocking socket a brand-new connection closed before its first
   * reply (a server at capacity that accepts and closes), and, on a blocking socket too, a request
   * that waited long for a peer that then went away. Only a client's: a server reads end of stream
   * right after its reply whenever a keep-alive client leaves, and a connection first seen mid-life
   * could be either end.
   *
   * <p>On the channel paths, only right after the request: a client that writes on one thread and
   * reads on another (the JDK's HttpClient) can have the reply read before the writing thread
   * leaves {@code write}, and the keep-alive close that ends the connection a second later would
   * otherwise look like a request left unanswered. A blocking socket writes and reads on the
   * application's thread, in order, so there the request is outstanding however long ago it was
   * written.
   */
  private void endOfStream(ConnectionState s, Object connection) {
    boolean wasEof = !s.claimEndOfStream();
    long now = System.nanoTime();
    if (wasEof || s.role() != Role.CLIENT || s.failedBefore() || !s.lastOpWasWrite()
        || s.writtenSinceRead <= 0) {
      return;
    }
    boolean reused = s.exchanges > 0;
    boolean inOrder = s.transport() == Transport.SOCKET;
    // Only where the application's own thread wrote and now waits: a channel's client may send
    // one way and read the peer's orderly close as its answer.
    boolean brandNew = inOrder && s.exchanges == 0 && s.bytesRead == 0;
    if ((reused || brandNew)
        && (inOrder || now - s.lastIoNanos <= STALE_CLOSE_WINDOW_NANOS)) {
      failed(s, connection, Operation.READ, null, FailureKind.PREMATURE_EOF, now);
    }
  }

  /** Stops the tracker's clock thread (on detach). */
  public void close() {
    clock.stop();
  }

  /**
   * Connections currently tracked: those in the table (collected sockets purged first) and those
   * holding their state in their own field and not closed. A socket collected without ever being
   * closed (the JDK's cleaner then closes its descriptor) stays counted among the latter; its state
   * went with it all the same.
   */
  public long trackedConnections() {
    return table.size() + ownState.sum() - ownStateClosed.sum();
  }

  /** Connections whose state was kept in their own field rather than the table, so far. */
  public long connectionsWithOwnState() {
    return ownState.sum();
  }

  public long echoes() {
    return echoes.sum();
  }

  public long connectFailures() {
    return connectFailures.sum();
  }

  public long openedConnections() {
    return opened.sum();
  }

  /** Connections not tracked because the table was at its bound. */
  public long untracked() {
    return table.refused();
  }

  /**
   * A connection seen for the first time mid-life: it predates the agent (or the agent's hooks),
   * so its age and role are unknown and must not be invented.
   */
  private ConnectionState firstSeen(Object connection, int transport) {
    if (table.full()) {
      return null; // spare every call on an untracked connection the endpoint lookups
    }
    long now = now();
    InetSocketAddress[] endpoints = ConnectionIntrospector.endpoints(connection);
    boolean tcp = endpoints != null;
    return track(
        connection, transport, Role.UNKNOWN, false, now, tcp,
        tcp ? endpoints[0] : null, tcp ? endpoints[1] : null);
  }

  /**
   * The connection's state, new unless another thread registered it first; null if untracked. Kept
   * in the connection's own field where its class has one (no table insert, no removal at close,
   * nothing for the collector to clear), in the table otherwise.
   */
  private ConnectionState track(
      Object connection, int transport, Role role, boolean ageKnown, long now, boolean tcp,
      InetSocketAddress remote, InetSocketAddress local) {
    ConnectionState created = new ConnectionState(
        Transport.of(transport), role, ageKnown, now, tcp, remote, local, stamp);
    Object held = fields.claim(connection, transport, created);
    if (held == null) {
      return table.putIfAbsent(connection, created);
    }
    if (held == created) {
      ownState.increment();
    }
    return held instanceof ConnectionState ? (ConnectionState) held : null;
  }

  private void failed(
      ConnectionState s,
      Object connection,
      Operation op,
      Throwable failure,
      FailureKind kind,
      long now) {
    if (!s.claimFirstFailure()) {
      // The JDK latches "Connection reset" and answers later writes with "Broken pipe": echoes of
      // the failure already reported, not new resets.
      echoes.increment();
      return;
    }
    if (!sink.admit(now)) {
      return; // a storm: shed before anything is read or made, and counted
    }
    InetSocketAddress remote = s.remote;
    InetSocketAddress local = s.local;
    if (remote == null || local == null) {
      // Read now: the application may close the socket before the agent's thread looks.
      InetSocketAddress[] live = ConnectionIntrospector.endpoints(connection);
      if (live != null) {
        remote = remote != null ? remote : live[0];
        local = local != null ? local : live[1];
      }
    }
    // An engine's handshake knows no socket: matched by the port it was made for, for a
    // connection that has not had a byte back (TLS over a channel; a socket's is on its stack).
    boolean engineHandshake = s.bytesRead == 0 && remote != null
        && tlsEngines.since(remote.getPort(), s.openedAtNanos);
    sink.failed(new CapturedFailure(s, remote, local, op, kind, failure, now, engineHandshake));
  }

}
