package io.resettracer.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InstrumentedTypesTest {

  @Test
  void nettyUnderItsOwnNameOrRelocated() {
    assertTrue(InstrumentedTypes.isLibraryTarget("io/netty/channel/unix/FileDescriptor"));
    assertTrue(InstrumentedTypes.isLibraryTarget(
        "io/grpc/netty/shaded/io/netty/channel/unix/FileDescriptor"));
    assertTrue(InstrumentedTypes.isLibraryTarget(
        "io/netty/channel/uring/AbstractIoUringStreamChannel$IoUringStreamUnsafe"));
    assertTrue(InstrumentedTypes.isLibraryClass(
        "io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel"));
    assertEquals("io.netty.channel.unix.Socket", InstrumentedTypes.canonicalLibraryName(
        "io.grpc.netty.shaded.io.netty.channel.unix.Socket"));
    assertEquals("io.netty.channel.AbstractChannel$AbstractUnsafe",
        InstrumentedTypes.canonicalLibraryName(
            "org.example.shade.io.netty.channel.AbstractChannel$AbstractUnsafe"));
  }

  @Test
  void onlyWholeNamesMatch() {
    // A suffix that does not start at a package boundary is another class.
    assertFalse(InstrumentedTypes.isLibraryTarget("com/example/myio/netty/channel/unix/SocketX"));
    assertFalse(InstrumentedTypes.isLibraryTarget("com/example/Xio/netty/channel/unix/Socket"));
    assertFalse(InstrumentedTypes.isLibraryTarget("io/netty/channel/unix/Socket$Inner"));
    assertFalse(InstrumentedTypes.isLibraryTarget("io/netty/channel/epoll/EpollSocketChannelConfig"));
    assertFalse(InstrumentedTypes.isLibraryTarget("java/lang/String"));
    assertFalse(InstrumentedTypes.isLibraryTarget(""));
    assertNull(InstrumentedTypes.canonicalLibraryName("io.netty.channel.nio.NioEventLoop"));
  }

  @Test
  void theListIsInItsUnrelocatedForm() {
    // The weaver's table is keyed by these names: each must map to itself.
    for (String name : InstrumentedTypes.LIBRARY_NAMES) {
      assertTrue(InstrumentedTypes.isLibraryClass(name), name);
      assertEquals(name, InstrumentedTypes.canonicalLibraryName(name));
    }
  }

  /** The class-load filter's switch and the list retransformed after an attach name the same. */
  @Test
  void everyJdkClassInTheListIsATargetOfTheLoadFilter() {
    for (String name : InstrumentedTypes.NAMES) {
      assertTrue(InstrumentedTypes.isTarget(name.replace('.', '/')), name);
    }
  }
}
