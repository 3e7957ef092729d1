package io.mcpauth.core.authserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Sessions and transactions: what lives how long, and what a flood can and cannot push out. */
class BrowserSessionsTest {

  private static final AuthorizationRequest REQUEST = null; // the table never looks inside it

  @Test
  @DisplayName("an anonymous session lives ten minutes from the last transaction started in it; a signed-in one eight hours")
  void lifetimes() {
    BrowserSessions sessions = new BrowserSessions();
    BrowserSessions.Session anonymous = sessions.newSession("10.0.0.1", 0);
    assertSame(anonymous, sessions.session(anonymous.id(), BrowserSessions.ANONYMOUS_SECONDS));
    assertNull(sessions.session(anonymous.id(), BrowserSessions.ANONYMOUS_SECONDS + 1));

    BrowserSessions.Session again = sessions.newSession("10.0.0.1", 0);
    BrowserSessions.Transaction transaction = sessions.start(REQUEST, again, "10.0.0.1", 500);
    assertSame(again, sessions.session(again.id(), 500 + BrowserSessions.ANONYMOUS_SECONDS), "kept alive by its transaction");
    assertSame(transaction, sessions.transaction(transaction.id, again, 500 + BrowserSessions.TRANSACTION_SECONDS));
    assertNull(sessions.transaction(transaction.id, again, 501 + BrowserSessions.TRANSACTION_SECONDS));

    BrowserSessions.Session signedIn = sessions.signIn(again, "alice", "credential-a", 600);
    assertNull(sessions.session(again.id(), 600), "the anonymous id is gone at login");
    assertSame(signedIn, sessions.session(signedIn.id(), 600 + BrowserSessions.SESSION_SECONDS));
    assertNull(sessions.session(signedIn.id(), 601 + BrowserSessions.SESSION_SECONDS));
  }

  @Test
  @DisplayName("a flood of anonymous sessions from one address evicts only its own; signed-in sessions are never evicted for them")
  void floodEvictsTheFloodersOwn() {
    BrowserSessions sessions = new BrowserSessions(4, 20, 3);
    BrowserSessions.Session user = sessions.newSession("10.0.0.1", 0);
    BrowserSessions.Transaction pending = sessions.start(REQUEST, user, "10.0.0.1", 0);
    BrowserSessions.Session bob = sessions.signIn(sessions.newSession("10.0.0.2", 0), "bob", "credential-b", 0);
    for (int i = 0; i < 10_000; i++) {
      BrowserSessions.Session flood = sessions.newSession("10.0.0.9", 1);
      sessions.start(REQUEST, flood, "10.0.0.9", 1);
    }
    assertSame(user, sessions.session(user.id(), 2));
    assertSame(pending, sessions.transaction(pending.id, user, 2));
    assertSame(bob, sessions.session(bob.id(), 2));
    BrowserSessions.Session late = sessions.newSession("10.0.0.9", 2);
    assertNotNull(sessions.session(late.id(), 2), "a new browser behind the flooding address still gets a session");
  }

  @Test
  @DisplayName("signed-in sessions are bounded on their own: the oldest makes room")
  void signedInBound() {
    BrowserSessions sessions = new BrowserSessions(4, 20, 3);
    BrowserSessions.Session[] signedIn = new BrowserSessions.Session[4];
    for (int i = 0; i < 4; i++) {
      signedIn[i] = sessions.signIn(sessions.newSession("10.0.0." + i, i), "user" + i, "credential-" + i, i);
    }
    assertNull(sessions.session(signedIn[0].id(), 4), "the oldest went");
    for (int i = 1; i < 4; i++) {
      assertEquals("user" + i, sessions.session(signedIn[i].id(), 4).user());
    }
  }
}
