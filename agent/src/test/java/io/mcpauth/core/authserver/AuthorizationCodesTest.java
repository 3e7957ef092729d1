package io.mcpauth.core.authserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AuthorizationCodesTest {

  private static final AuthorizationRequest REQUEST = new AuthorizationRequest(null, "http://127.0.0.1:1/callback",
      "state", "challenge", List.of("mcp"), "http://127.0.0.1:2/");

  private final AuthorizationCodes codes = new AuthorizationCodes();

  @Test
  void aCodeIsFoundForItsLifetimeOnly() {
    String code = codes.issue(REQUEST, "alice", "credential", null, 1_000);
    assertNotNull(codes.find(code, 1_000 + AuthorizationCodes.LIFETIME_SECONDS));
    assertNull(codes.find(code, 1_000 + AuthorizationCodes.LIFETIME_SECONDS + 1));
    assertNull(codes.find("never-issued", 1_000));
  }

  @Test
  void issuingForgetsExpiredCodesOnceALifetime() {
    long start = 1_000;
    for (int second = 0; second < 10 * AuthorizationCodes.LIFETIME_SECONDS; second++) {
      codes.issue(REQUEST, "alice", "credential", null, start + second);
    }
    // one code a second for ten lifetimes: memory holds the codes of the last two lifetimes at most
    assertTrue(codes.held() <= 2 * AuthorizationCodes.LIFETIME_SECONDS + 1, "held " + codes.held());
    String live = codes.issue(REQUEST, "alice", "credential", null, start + 700);
    assertNotNull(codes.find(live, start + 700), "a live code is never swept");
  }
}
