package io.mcpauth.core.gate;

import io.mcpauth.core.denial.ReasonCode;
import io.mcpauth.core.token.VerifiedToken;
import java.util.Map;

/** What the gate decided about one request: let the caller in, or answer with a denial. */
public sealed interface Decision permits Decision.Admit, Decision.Deny {

  /**
   * The request goes to the transport.
   *
   * @param entries the caller's {@code mcpauth.*} entries, immutable, for the transport context
   * @param sessionId the session the request names, already checked to be the caller's; null for none
   * @param challenges the replies naming the resource the request addressed, for a later message check
   * @param startedNanos when the decision began, for the audit event of a later message check; 0 when not measured
   */
  record Admit(VerifiedToken token, CallerIdentity caller, Map<String, Object> entries, String sessionId,
      Challenges challenges, long startedNanos) implements Decision {}

  /**
   * The request is answered with {@code reply} and the transport never runs.
   *
   * @param detail why, for the log line only: never the token
   */
  record Deny(Reply reply, ReasonCode reason, String detail) implements Decision {

    public int status() {
      return reply.status;
    }

    /** The {@code WWW-Authenticate} challenge, or null for a denial no token can help (403 Origin, 404, 405, ...). */
    public String challenge() {
      for (int i = 0; i + 1 < reply.headers.length; i += 2) {
        if (reply.headers[i].equals("WWW-Authenticate")) {
          return reply.headers[i + 1];
        }
      }
      return null;
    }
  }
}
