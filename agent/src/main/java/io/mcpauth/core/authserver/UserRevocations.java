package io.mcpauth.core.authserver;

import io.mcpauth.core.authserver.store.GrantStore;
import io.mcpauth.core.authserver.users.UserStore;
import io.mcpauth.core.logging.AgentLog;
import io.mcpauth.core.logging.LogText;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Revokes what users were granted once they no longer hold the credential it was granted under:
 * removed ({@code user remove}) or given a new password ({@code user passwd}), RFC 9700 §4.14.2.
 * Revoking a grant revokes its refresh-token family and, through the resource server's revocation
 * check, every access token issued under it.
 *
 * <p>The users file is looked at once at start-up, before the server serves (a user may have been
 * removed while it was down), then every {@link #INTERVAL} from a daemon thread, so that a change
 * takes effect without any request arriving. A look costs one file-attribute read; the file is
 * parsed only when it changed. A new version is acted on once two looks in a row saw it: a file
 * edited in place and caught half-written could otherwise look as if users had been removed, and
 * revocation cannot be undone. Until then, and whatever this watch misses, every use of a grant,
 * code or signed-in session checks the credential itself ({@link UserStore#holds}).
 */
final class UserRevocations {

  static final Duration INTERVAL = Duration.ofSeconds(1);

  /** One user's revoked grants in one pass; {@code removed} false means the password changed. */
  record Revoked(String user, int grants, boolean removed) {}

  private final UserStore users;
  private final GrantStore grants;
  /** The version last acted on, and the one the previous look saw. */
  private UserStore.Credentials actedOn;
  private UserStore.Credentials seen;
  private String lastFailure;
  private Thread thread;

  UserRevocations(UserStore users, GrantStore grants) {
    this.users = users;
    this.grants = grants;
  }

  /** Acts on the users file as it is now; the caller logs the result (start-up keeps logging off its path). */
  synchronized List<Revoked> revokeNow() throws IOException {
    UserStore.Credentials credentials = users.credentials();
    List<Revoked> revoked = revoke(credentials);
    actedOn = credentials;
    seen = credentials;
    return revoked;
  }

  /** One look; failures are logged (once until they change), and the next look tries again. */
  synchronized void look() {
    try {
      UserStore.Credentials credentials = users.credentials();
      if (credentials != actedOn && credentials == seen) {
        log(revoke(credentials));
        actedOn = credentials;
      }
      seen = credentials;
      lastFailure = null;
    } catch (IOException | RuntimeException e) {
      String failure = String.valueOf(e.getMessage());
      if (!failure.equals(lastFailure)) {
        AgentLog.error("authorization server: cannot revoke the grants of removed users or changed passwords "
            + "(retrying every second)", e);
      }
      lastFailure = failure;
    }
  }

  void start() {
    Thread watch = new Thread(() -> {
      try {
        while (true) {
          Thread.sleep(INTERVAL.toMillis());
          look();
        }
      } catch (InterruptedException e) {
        // stopped
      }
    }, "mcpauth-as-users");
    watch.setDaemon(true);
    watch.start();
    thread = watch;
  }

  void stop() {
    if (thread != null) {
      thread.interrupt();
    }
  }

  static void log(List<Revoked> revoked) {
    for (Revoked batch : revoked) {
      AgentLog.warn("authorization server: user {} {}; revoked {} grant(s) and the access tokens issued under them",
          LogText.printable(batch.user()), batch.removed() ? "was removed" : "has a new password", batch.grants());
    }
  }

  private List<Revoked> revoke(UserStore.Credentials credentials) throws IOException {
    Map<String, Integer> bySubject = grants.revokeStale(credentials::of);
    List<Revoked> revoked = new ArrayList<>();
    bySubject.forEach((user, count) -> revoked.add(new Revoked(user, count, credentials.of(user) == null)));
    return revoked;
  }
}
