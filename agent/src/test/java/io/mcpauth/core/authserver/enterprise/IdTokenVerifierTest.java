package io.mcpauth.core.authserver.enterprise;

import static io.mcpauth.core.token.TestTokens.CLOCK;
import static io.mcpauth.core.token.TestTokens.NOW;
import static io.mcpauth.core.token.TestTokens.with;
import static io.mcpauth.core.token.TestTokens.without;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mcpauth.core.json.JsonWriter;
import io.mcpauth.core.token.TestTokens;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Every ID-token rule (OpenID Connect Core §3.1.3.7), each with a token bent to break it. */
class IdTokenVerifierTest {

  static final String UPSTREAM = "https://login.example.com/realms/corp";
  static final String CLIENT_ID = "mcpauth";
  static final String NONCE = "n-0S6_WzA2Mj";

  private final TestTokens.Signer upstream = TestTokens.rsa();
  private final IdTokenVerifier verifier = new IdTokenVerifier(UPSTREAM, CLIENT_ID, Set.of("RS256"), Duration.ofSeconds(60),
      8192, TestTokens.keys(upstream.publicJwk()), CLOCK);

  static Map<String, Object> header(TestTokens.Signer signer) {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("alg", signer.alg);
    header.put("kid", signer.kid);
    header.put("typ", "JWT");
    return header;
  }

  static Map<String, Object> claims() {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", UPSTREAM);
    claims.put("sub", "248289761001");
    claims.put("aud", CLIENT_ID);
    claims.put("azp", CLIENT_ID);
    claims.put("nonce", NONCE);
    claims.put("iat", NOW.getEpochSecond() - 3);
    claims.put("exp", NOW.getEpochSecond() + 300);
    claims.put("email", "jane@example.com");
    return claims;
  }

  private void refused(Map<String, Object> header, Map<String, Object> claims) {
    assertThrows(AssertionRejectedException.class, () -> verifier.verify(upstream.mint(header, claims), NONCE));
  }

  @Test
  @DisplayName("a valid ID token gives its claims; typ JWT or none")
  void accepted() throws Exception {
    assertEquals("248289761001", verifier.verify(upstream.mint(header(upstream), claims()), NONCE).get("sub"));
    verifier.verify(upstream.mint(without(header(upstream), "typ"), without(claims(), "azp")), NONCE);
  }

  @Test
  @DisplayName("aud: our client id alone; another client's token, or one with a second audience, is refused")
  void audience() {
    refused(header(upstream), with(claims(), "aud", "another-app", "azp", "another-app"));
    refused(header(upstream), with(claims(), "aud", List.of(CLIENT_ID, "another-app")));
    refused(header(upstream), with(claims(), "azp", "another-app"));
    refused(header(upstream), without(claims(), "aud"));
  }

  @Test
  @DisplayName("iss: exactly the configured issuer (no trailing slash, no other realm)")
  void issuer() {
    refused(header(upstream), with(claims(), "iss", UPSTREAM + "/"));
    refused(header(upstream), with(claims(), "iss", "https://login.example.com/realms/other"));
  }

  @Test
  @DisplayName("nonce: the sign-in's own; a wrong or missing one is refused")
  void nonce() {
    refused(header(upstream), with(claims(), "nonce", "another"));
    refused(header(upstream), without(claims(), "nonce"));
  }

  @Test
  @DisplayName("time: expired, iat missing, iat stale (older than 10 minutes) or in the future is refused")
  void time() {
    refused(header(upstream), with(claims(), "exp", NOW.getEpochSecond() - 61));
    refused(header(upstream), without(claims(), "iat"));
    refused(header(upstream), with(claims(), "iat", NOW.getEpochSecond() - 700));
    refused(header(upstream), with(claims(), "iat", NOW.getEpochSecond() + 120));
  }

  @Test
  @DisplayName("alg none, an algorithm off the allow-list, keys from the header (jwk, jku) and a foreign key are refused")
  void signature() {
    String unsigned = TestTokens.b64("{\"alg\":\"none\"}") + "." + TestTokens.b64(JsonWriter.write(claims())) + ".";
    assertThrows(AssertionRejectedException.class, () -> verifier.verify(unsigned, NONCE));
    refused(with(header(upstream), "alg", "RS384"), claims());
    TestTokens.Signer attacker = TestTokens.attackerRsa();
    refused(with(header(upstream), "jwk", attacker.publicJwk()), claims());
    refused(with(header(upstream), "jku", "https://evil.example.com/jwks"), claims());
    assertThrows(AssertionRejectedException.class, () -> verifier.verify(attacker.mint(header(attacker), claims()), NONCE));
  }

  @Test
  @DisplayName("an access token (typ at+jwt) or an identity assertion never passes for an ID token")
  void kindsApart() {
    refused(with(header(upstream), "typ", "at+jwt"), claims());
    refused(with(header(upstream), "typ", "oauth-id-jag+jwt"), claims());
  }

  @Test
  @DisplayName("a refreshed ID token needs no nonce, but still a sub")
  void refreshed() throws Exception {
    verifier.verify(upstream.mint(header(upstream), without(claims(), "nonce")), null);
    assertThrows(AssertionRejectedException.class,
        () -> verifier.verify(upstream.mint(header(upstream), without(claims(), "sub")), null));
  }
}
