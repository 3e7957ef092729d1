package io.mcpauth.core.authserver;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Browser sessions and the authorization transactions running in them. A transaction is bound to
 * the session that started it and carries a single-use anti-CSRF token (AS-SEC-17); the session id
 * changes at login (AS-SEC-18). Both are in memory and bounded: a restart only means signing in again.
 */
final class BrowserSessions {

  static final long SESSION_SECONDS = 8 * 3600;
  static final long TRANSACTION_SECONDS = 600;
  private static final int MAX_ENTRIES = 20_000;

  /**
   * {@code user} is null until the browser signs in; {@code credential} is the one the user signed
   * in with, and the session stands only while the user holds it (UserStore#holds).
   */
  record Session(String id, String user, String credential, long expiresAt) {}

  static final class Transaction {
    final String id;
    final AuthorizationRequest request;
    final long expiresAt;
    volatile String sessionId;
    volatile String csrf;

    Transaction(String id, AuthorizationRequest request, String sessionId, long expiresAt) {
      this.id = id;
      this.request = request;
      this.sessionId = sessionId;
      this.expiresAt = expiresAt;
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

  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Map<String, Transaction> transactions = new ConcurrentHashMap<>();

  /** The live session with this id, or null. */
  Session session(String id, long now) {
    Session session = id == null ? null : sessions.get(id);
    return session == null || session.expiresAt() < now ? null : session;
  }

  /** @return a new anonymous session, or null when the server holds too many */
  Session newSession(long now) {
    if (!roomFor(sessions, now)) {
      return null;
    }
    Session session = new Session(Secrets.random(), null, null, now + SESSION_SECONDS);
    sessions.put(session.id(), session);
    return session;
  }

  /** Login: the old session id is dropped and a new one carries the user. */
  Session signIn(Session anonymous, String user, String credential, long now) {
    sessions.remove(anonymous.id());
    Session session = new Session(Secrets.random(), user, credential, now + SESSION_SECONDS);
    sessions.put(session.id(), session);
    return session;
  }

  /** Signs the browser out: the session id is forgotten, so none of its transactions can go on. */
  void end(Session session) {
    sessions.remove(session.id());
  }

  Transaction start(AuthorizationRequest request, Session session, long now) {
    if (!roomFor(transactions, now)) {
      return null;
    }
    Transaction transaction = new Transaction(Secrets.random(), request, session.id(), now + TRANSACTION_SECONDS);
    transactions.put(transaction.id, transaction);
    return transaction;
  }

  /** The live transaction with this id if it belongs to {@code session}, else null. */
  Transaction transaction(String id, Session session, long now) {
    Transaction transaction = id == null ? null : transactions.get(id);
    if (transaction == null || transaction.expiresAt < now || session == null
        || !transaction.sessionId.equals(session.id())) {
      return null;
    }
    return transaction;
  }

  void finish(Transaction transaction) {
    transactions.remove(transaction.id);
  }

  private static boolean roomFor(Map<String, ?> map, long now) {
    if (map.size() < MAX_ENTRIES) {
      return true;
    }
    map.values().removeIf(v -> v instanceof Session s ? s.expiresAt() < now : ((Transaction) v).expiresAt < now);
    return map.size() < MAX_ENTRIES;
  }
}
