package io.mcpauth.core.authserver;

import io.mcpauth.core.authserver.users.UserStore;
import io.mcpauth.core.logging.AgentLog;
import io.mcpauth.core.logging.LogText;
import java.io.IOException;

/** The cookie that names a browser's session, and the live session it names. */
final class SessionCookie {

  private final BrowserSessions sessions;
  private final UserStore users;
  private final String name;
  private final String attributes;

  SessionCookie(BrowserSessions sessions, UserStore users, boolean https) {
    this.sessions = sessions;
    this.users = users;
    // AS-SEC-18: on https the __Host- prefix pins the cookie to this exact origin.
    this.name = https ? "__Host-mcpauth-session" : "mcpauth-session";
    this.attributes = "; Path=/; HttpOnly; SameSite=Lax" + (https ? "; Secure" : "");
  }

  /**
   * The browser's live session, or null. A signed-in session stands only while its user holds the
   * credential they signed in with (RFC 9700 §4.14.2): once the user is removed or given a new
   * password it is ended, and the browser must sign in again. When the users file cannot be read,
   * no signed-in session is honoured (and none is ended).
   */
  BrowserSessions.Session session(Exchange exchange, long now) {
    BrowserSessions.Session session = sessions.session(exchange.cookie(name), now);
    if (session == null || session.user() == null || UpstreamSignIn.CREDENTIAL.equals(session.credential())) {
      // Signed in upstream: the provider, not the users file, vouches for the user.
      return session;
    }
    try {
      if (users.holds(session.user(), session.credential())) {
        return session;
      }
    } catch (IOException e) {
      AgentLog.error("authorization server: the users file cannot be read; signed-in sessions are not honoured", e);
      return null;
    }
    sessions.end(session);
    AgentLog.info("authorization server: signed out a browser session of {}: the user was removed or has a new password",
        LogText.printable(session.user()));
    return null;
  }

  void set(Exchange exchange, BrowserSessions.Session session) {
    exchange.addHeader("Set-Cookie", name + "=" + session.id() + attributes);
  }
}
