package io.mcpauth.core.authserver.enterprise;

import static io.mcpauth.core.token.TestTokens.CLOCK;
import static io.mcpauth.core.token.TestTokens.NOW;
import static io.mcpauth.core.token.TestTokens.with;
import static io.mcpauth.core.token.TestTokens.without;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.core.token.TestTokens;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Every ID-JAG rule, each with an assertion bent to break it (draft-ietf-oauth-identity-assertion-authz-grant §3.1, §4.4.1). */
class IdJagVerifierTest {

  static final String IDP = "https://idp.example.com";
  static final String OTHER_IDP = "https://other-idp.example.com";
  static final String AS = "https://as.example.com";
  static final String CLIENT = "client-7";

  private final TestTokens.Signer idp = TestTokens.rsa();
  private final TestTokens.CountingKeySource idpKeys = TestTokens.keys(idp.publicJwk());
  private final TestTokens.CountingKeySource otherKeys = TestTokens.keys(TestTokens.ec().publicJwk());
  private final IdJagVerifier verifier = new IdJagVerifier(new LinkedHashMap<>(Map.of(IDP, idpKeys, OTHER_IDP, otherKeys)),
      AS, Set.of("RS256", "ES256"), Duration.ofSeconds(60), Duration.ofMinutes(5), 8192, CLOCK);

  static Map<String, Object> header(TestTokens.Signer signer) {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("alg", signer.alg);
    header.put("kid", signer.kid);
    header.put("typ", "oauth-id-jag+jwt");
    return header;
  }

  static Map<String, Object> claims() {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", IDP);
    claims.put("sub", "U019488227");
    claims.put("aud", AS);
    claims.put("client_id", CLIENT);
    claims.put("jti", "9e43f81b64a33f20116179");
    claims.put("iat", NOW.getEpochSecond() - 5);
    claims.put("exp", NOW.getEpochSecond() + 295);
    claims.put("resource", "https://mcp.example.com/mcp");
    claims.put("scope", "mcp:tools");
    return claims;
  }

  private IdJagVerifier.Assertion verify(Map<String, Object> header, Map<String, Object> claims) throws Exception {
    return verifier.verify(idp.mint(header, claims), CLIENT);
  }

  private void refused(Map<String, Object> header, Map<String, Object> claims) {
    assertThrows(AssertionRejectedException.class, () -> verify(header, claims));
  }

  @Test
  @DisplayName("a well-formed assertion gives its issuer, subject as is, jti, resource and scope")
  void accepted() throws Exception {
    IdJagVerifier.Assertion assertion = verify(header(idp), claims());
    assertEquals(IDP, assertion.issuer());
    assertEquals("U019488227", assertion.subject());
    assertEquals("9e43f81b64a33f20116179", assertion.jti());
    assertEquals(List.of("https://mcp.example.com/mcp"), assertion.resources());
    assertEquals("mcp:tools", assertion.scope());
  }

  @Test
  @DisplayName("typ: only oauth-id-jag+jwt (application/ prefix and case aside); at+jwt, JWT and none are refused")
  void type() throws Exception {
    verify(with(header(idp), "typ", "application/OAUTH-ID-JAG+JWT"), claims());
    refused(with(header(idp), "typ", "at+jwt"), claims());
    refused(with(header(idp), "typ", "JWT"), claims());
    refused(without(header(idp), "typ"), claims());
  }

  @Test
  @DisplayName("aud: our issuer alone; another audience, an array with a second one, or none is refused")
  void audience() throws Exception {
    verify(header(idp), with(claims(), "aud", List.of(AS)));
    refused(header(idp), with(claims(), "aud", "https://as.example.com/token"));
    refused(header(idp), with(claims(), "aud", List.of(AS, "https://elsewhere.example.com")));
    refused(header(idp), without(claims(), "aud"));
  }

  @Test
  @DisplayName("iss: an untrusted issuer is refused before any key is looked for; a trusted one's token signed by another's key fails")
  void issuer() {
    refused(header(idp), with(claims(), "iss", "https://evil.example.com"));
    assertEquals(0, idpKeys.currentCalls.get() + otherKeys.currentCalls.get());
    refused(header(idp), with(claims(), "iss", OTHER_IDP));
  }

  @Test
  @DisplayName("signature: a key outside the issuer's JWKS, alg none, and keys from the header (jwk, jku) are refused")
  void signature() {
    TestTokens.Signer attacker = TestTokens.attackerRsa();
    assertThrows(AssertionRejectedException.class, () -> verifier.verify(attacker.mint(header(attacker), claims()), CLIENT));
    String unsigned = TestTokens.b64("{\"alg\":\"none\",\"typ\":\"oauth-id-jag+jwt\"}") + "."
        + TestTokens.b64(io.mcpauth.core.json.JsonWriter.write(claims())) + ".";
    assertThrows(AssertionRejectedException.class, () -> verifier.verify(unsigned, CLIENT));
    refused(with(header(idp), "jwk", attacker.publicJwk()), claims());
    refused(with(header(idp), "jku", "https://evil.example.com/jwks"), claims());
  }

  @Test
  @DisplayName("time: expired, iat missing, iat in the future, or exp more than the maximum lifetime after iat is refused")
  void time() {
    refused(header(idp), with(claims(), "exp", NOW.getEpochSecond() - 61));
    refused(header(idp), without(claims(), "iat"));
    refused(header(idp), with(claims(), "iat", NOW.getEpochSecond() + 120));
    refused(header(idp), with(claims(), "iat", NOW.getEpochSecond() - 100, "exp", NOW.getEpochSecond() + 250));
    refused(header(idp), without(claims(), "exp"));
  }

  @Test
  @DisplayName("client_id: another client's assertion is refused, as is one without client_id, sub or jti")
  void binding() throws Exception {
    assertThrows(AssertionRejectedException.class, () -> verifier.verify(idp.mint(header(idp), claims()), "client-8"));
    refused(header(idp), without(claims(), "client_id"));
    refused(header(idp), without(claims(), "sub"));
    refused(header(idp), with(claims(), "sub", ""));
    refused(header(idp), without(claims(), "jti"));
  }

  @Test
  @DisplayName("a sender-constrained assertion (cnf) and authorization_details are refused")
  void unsupported() {
    refused(header(idp), with(claims(), "cnf", Map.of("jkt", "abc")));
    refused(header(idp), with(claims(), "authorization_details", List.of(Map.of("type", "x"))));
  }

  @Test
  @DisplayName("resource may be absent, a string or an array of strings; scope must be a string")
  void shapes() throws Exception {
    assertTrue(verify(header(idp), without(claims(), "resource")).resources().isEmpty());
    assertEquals(List.of("a", "b"), verify(header(idp), with(claims(), "resource", List.of("a", "b"))).resources());
    refused(header(idp), with(claims(), "resource", 7));
    refused(header(idp), with(claims(), "scope", List.of("mcp:tools")));
  }
}
