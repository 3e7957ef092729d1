package io.mcpauth.core.authserver;

import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * Browser sessions and the authorization transactions running in them. A transaction is bound to
 * the session that started it and carries a single-use anti-CSRF token (AS-SEC-17); the session id
 * changes at login (AS-SEC-18). Both are in memory and bounded: a restart only means signing in again.
 *
 * <p>Anyone can make anonymous sessions and transactions with a cookie-less GET, so they live ten
 * minutes in {@link PendingTable}s, bounded per client address, where a flood evicts the flooder's
 * own entries first and never locks a newcomer out. Only a signed-in session, which takes a
 * password, lives for hours; those are bounded on their own, and the oldest makes room.
 */
final class BrowserSessions {

  static final long SESSION_SECONDS = 8 * 3600;
  static final long TRANSACTION_SECONDS = 600;
  /** An anonymous session lives as long as a transaction, from the last one started in it. */
  static final long ANONYMOUS_SECONDS = TRANSACTION_SECONDS;
  static final int PENDING_PER_ADDRESS = 32;
  static final int MAX_PENDING = 20_000;
  static final int MAX_SIGNED_IN = 20_000;

  /**
   * {@code user} is null until the browser signs in; {@code credential} is the one the user signed
   * in with, and the session stands only while the user holds it (UserStore#holds). An anonymous
   * session's {@code expiresAt} is its first expiry only: its table keeps the live one.
   */
  record Session(String id, String user, String credential, long expiresAt) {}

  static final class Transaction {
    final String id;
    final AuthorizationRequest request;
    volatile String sessionId;
    volatile String csrf;
    /** After an upstream sign-in: the provider's refresh token (or null), for the grant, and the name to show. */
    volatile String upstreamRefreshToken;
    volatile String displayName;

    Transaction(String id, AuthorizationRequest request, String sessionId) {
      this.id = id;
      this.request = request;
      this.sessionId = sessionId;
      this.csrf = Secrets.random();
    }

    /** Checks and consumes the CSRF token; a new one is issued for the next form. */
    synchronized boolean consumeCsrf(String presented) {
      boolean valid = presented != null && java.security.MessageDigest.isEqual(
          presented.getBytes(java.nio.charset.StandardCharsets.UTF_8), csrf.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      csrf = Secrets.random();
      return valid;
    }
  }

  private final PendingTable<Session> anonymous;
  private final PendingTable<Transaction> transactions;
  private final int maxSignedIn;
  /** Oldest first. */
  private final LinkedHashMap<String, Session> signedIn = new LinkedHashMap<>();

  BrowserSessions() {
    this(PENDING_PER_ADDRESS, MAX_PENDING, MAX_SIGNED_IN);
  }

  BrowserSessions(int pendingPerAddress, int maxPending, int maxSignedIn) {
    this.anonymous = new PendingTable<>(pendingPerAddress, maxPending, ANONYMOUS_SECONDS);
    this.transactions = new PendingTable<>(pendingPerAddress, maxPending, TRANSACTION_SECONDS);
    this.maxSignedIn = maxSignedIn;
  }

  /** The live session with this id, signed in or anonymous, or null. */
  Session session(String id, long now) {
    if (id == null) {
      return null;
    }
    synchronized (signedIn) {
      Session session = signedIn.get(id);
      if (session != null) {
        return session.expiresAt() < now ? null : session;
      }
    }
    return anonymous.get(id, now);
  }

  /** A new anonymous session for a browser at {@code address} ({@link Exchange#clientAddress()}). */
  Session newSession(String address, long now) {
    Session session = new Session(Secrets.random(), null, null, now + ANONYMOUS_SECONDS);
    anonymous.put(session.id(), AddressKey.of(address), session, now);
    return session;
  }

  /** Login: the old session id is dropped and a new one carries the user. */
  Session signIn(Session previous, String user, String credential, long now) {
    anonymous.remove(previous.id());
    Session session = new Session(Secrets.random(), user, credential, now + SESSION_SECONDS);
    synchronized (signedIn) {
      signedIn.remove(previous.id());
      Iterator<Session> oldest = signedIn.values().iterator();
      while (oldest.hasNext()) {
        Session next = oldest.next();
        if (next.expiresAt() >= now && signedIn.size() < maxSignedIn) {
          break;
        }
        oldest.remove();
      }
      signedIn.put(session.id(), session);
    }
    return session;
  }

  /** Signs the browser out: the session id is forgotten, so none of its transactions can go on. */
  void end(Session session) {
    synchronized (signedIn) {
      signedIn.remove(session.id());
    }
    anonymous.remove(session.id());
  }

  /** A transaction for {@code request} in {@code session}, which it keeps alive if anonymous. */
  Transaction start(AuthorizationRequest request, Session session, String address, long now) {
    if (session.user() == null) {
      anonymous.touch(session.id(), now);
    }
    Transaction transaction = new Transaction(Secrets.random(), request, session.id());
    transactions.put(transaction.id, AddressKey.of(address), transaction, now);
    return transaction;
  }

  /** The live transaction with this id if it belongs to {@code session}, else null. */
  Transaction transaction(String id, Session session, long now) {
    Transaction transaction = transactions.get(id, now);
    if (transaction == null || session == null || !transaction.sessionId.equals(session.id())) {
      return null;
    }
    return transaction;
  }

  void finish(Transaction transaction) {
    transactions.remove(transaction.id);
  }
}
