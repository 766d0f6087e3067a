package io.resettracer.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resettracer.model.Operation;
import io.resettracer.model.Role;
import io.resettracer.model.Transport;
import org.junit.jupiter.api.Test;

/** The bookkeeping behind idle time and exchanges, on a timeline of plain numbers. */
class ConnectionStateTest {

  private static final long S = 1_000_000_000L;
  private final ConnectionState s =
      new ConnectionState(Transport.SOCKET, Role.CLIENT, true, 0, true, null, null, 0);

  @Test
  void idleIsMeasuredBeforeTheRequestNotAtTheFailingRead() {
    s.onWrite(100, 1 * S);
    s.onRead(10, 2 * S); // first exchange done at t=2 s
    s.onWrite(5, 352 * S); // the next request, 350 s later, is buffered without error
    // the reply read fails a moment later: the idle that explains it is the 350 s before the request
    assertEquals(350 * S, s.idleNanosAt(Operation.READ, 352 * S + 1000));
    assertEquals(1, s.exchanges);
    assertEquals(5, s.writtenSinceRead);
  }

  @Test
  void aReadWithNoRequestCountsFromTheLastByte() {
    s.onWrite(100, 1 * S);
    s.onRead(10, 2 * S);
    s.onRead(10, 3 * S); // a server push, no request outstanding
    assertEquals(7 * S, s.idleNanosAt(Operation.READ, 10 * S));
  }

  @Test
  void aWriteThatStartsAnExchangeCountsFromTheLastByte() {
    s.onWrite(100, 1 * S);
    s.onRead(10, 2 * S);
    assertEquals(58 * S, s.idleNanosAt(Operation.WRITE, 60 * S));
  }

  @Test
  void aWriteMidUploadKeepsTheIdleBeforeTheUpload() {
    s.onRead(10, 1 * S);
    s.onWrite(1 << 20, 5 * S);
    s.onWrite(1 << 20, 6 * S);
    assertEquals(4 * S, s.idleNanosAt(Operation.WRITE, 7 * S));
    assertEquals(2L << 20, s.writtenSinceRead);
  }

  @Test
  void anExchangeIsAWriteFollowedByARead() {
    s.onWrite(1, 1);
    s.onWrite(1, 2);
    s.onRead(1, 3);
    s.onRead(1, 4);
    s.onWrite(1, 5);
    s.onRead(1, 6);
    assertEquals(2, s.exchanges);
    assertEquals(3, s.bytesWritten);
    assertEquals(3, s.bytesRead);
  }

  @Test
  void onlyTheFirstFailureIsClaimed() {
    assertTrue(s.claimFirstFailure());
    assertFalse(s.claimFirstFailure());
  }

  @Test
  void transportAndRoleAreKeptInOneByteForEveryPair() {
    for (Transport t : Transport.values()) {
      for (Role r : Role.values()) {
        ConnectionState packed = new ConnectionState(t, r, false, 0, true, null, null, 0xFF_FFFF);
        assertEquals(t, packed.transport());
        assertEquals(r, packed.role());
        assertTrue(packed.ownedBy(0xFF_FFFF));
        assertFalse(packed.ownedBy(1));
      }
    }
  }

  @Test
  void failureCloseAndEndOfStreamAreEachClaimedOnceAndApart() {
    assertTrue(s.claimEndOfStream());
    assertFalse(s.failedBefore(), "end of stream is not a failure");
    assertTrue(s.claimClose());
    assertTrue(s.claimFirstFailure());
    assertTrue(s.failedBefore());
    assertFalse(s.claimEndOfStream());
    assertFalse(s.claimClose());
    assertTrue(s.ownedBy(0), "the stamp is untouched by the claims");
  }
}
