package io.mcpauth.core.issuers;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.core.introspection.IntrospectionVerifier;
import io.mcpauth.core.token.IssuerRouter;
import io.mcpauth.core.token.TestTokens;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Which verifier the gate gets: the single issuer's own, or a router when there are several. */
class ExternalIssuersTest {

  private static final Executor NEVER = task -> {
    throw new AssertionError("nothing is fetched while the verifier is built");
  };

  @Test
  @DisplayName("one issuer with a JWKS: its cached verifier as it is, no routing on the hot path")
  void singleJwksIssuer() {
    ExternalIssuers issuers = ExternalIssuers.of(TestTokens.config(), NEVER, TestTokens.CLOCK);
    assertFalse(issuers.verifier() instanceof IssuerRouter);
    assertFalse(issuers.verifier() instanceof IntrospectionVerifier);
  }

  @Test
  @DisplayName("one introspected issuer: every token goes to its introspection endpoint")
  void singleIntrospectedIssuer() {
    ExternalIssuers issuers = ExternalIssuers.of(TestTokens.config(
        "mcpauth.introspection.uri", "https://as.example.com/introspect",
        "mcpauth.introspection.client-id", "mcp",
        "mcpauth.introspection.client-secret", "secret"), NEVER, TestTokens.CLOCK);
    assertTrue(issuers.verifier() instanceof IntrospectionVerifier);
  }

  @Test
  @DisplayName("several issuers: a router by iss")
  void severalIssuers() {
    ExternalIssuers issuers = ExternalIssuers.of(TestTokens.config(
        "mcpauth.additional-issuers", "partner",
        "mcpauth.issuer.partner.url", "https://partner.example.com"), NEVER, TestTokens.CLOCK);
    assertTrue(issuers.verifier() instanceof IssuerRouter);
  }
}
