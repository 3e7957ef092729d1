package io.mcpauth.tests;

import static io.mcpauth.tests.support.Doctor.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.mcpauth.tests.support.Doctor;
import io.mcpauth.tests.support.Doctor.Result;
import io.mcpauth.tests.support.Keycloak;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code doctor} against a real Keycloak, one test per fix hint that applies to Keycloak: its own
 * tokens before and after the recipe's audience mapper, with and without its at+jwt option, a
 * mistyped issuer, an algorithm left out, and a key Keycloak no longer publishes.
 */
class KeycloakDoctorTest {

  private static final String RESOURCE = "https://mcp.example.com/mcp";
  private static final String REALM = "doctor";

  private static Keycloak keycloak;
  private static String issuer;
  /** at+jwt, but issued before the audience mapper existed. */
  private static String withoutAudience;
  /** after the recipe: typ JWT (Keycloak's default) and at+jwt (the client option). */
  private static String typJwt;
  private static String atJwt;
  private static final List<String> secrets = new ArrayList<>();

  @TempDir
  Path dir;

  @BeforeAll
  static void tokens() {
    keycloak = Keycloak.shared();
    keycloak.createRealm(REALM);
    issuer = keycloak.issuer(REALM);
    withoutAudience = keycloak.accessToken(REALM, Keycloak.CLIENT_RFC9068, Keycloak.ALICE);
    keycloak.addAudienceScope(REALM, "mcp-server", RESOURCE);
    typJwt = keycloak.accessToken(REALM, Keycloak.CLIENT, Keycloak.ALICE);
    atJwt = keycloak.accessToken(REALM, Keycloak.CLIENT_RFC9068, Keycloak.ALICE);
    secrets.addAll(List.of(withoutAudience, typJwt, atJwt));
    secrets.addAll(keycloak.secrets());
  }

  private Result doctor(String token, String... arguments) throws Exception {
    return Doctor.run(dir, token, secrets, arguments);
  }

  private Result doctor(String token) throws Exception {
    return doctor(token, "mcpauth.issuer=" + issuer, "mcpauth.resource=" + RESOURCE);
  }

  @Test
  @DisplayName("KC-D1: the recipe's settings and Keycloak's tokens pass every check")
  void theRecipePasses() throws Exception {
    Result result = doctor(typJwt, "mcpauth.issuer=" + issuer, "mcpauth.resource=" + RESOURCE,
        "mcpauth.token.types=at+jwt,jwt");
    assertEquals(0, result.exit(), result.all());
    assertContains(result, "ok    metadata " + issuer, "ok    jwks " + issuer, "ok    token signature: valid",
        "all checks passed");
    assertEquals(0, doctor(atJwt).exit(), "at+jwt needs no mcpauth.token.types");
  }

  @Test
  @DisplayName("KC-D2: typ JWT: mcpauth.token.types, or Keycloak's at+jwt client option")
  void typJwt() throws Exception {
    Result result = doctor(typJwt);
    assertEquals(1, result.exit(), result.all());
    assertContains(result, "FAIL  token typ: typ_not_accepted", "mcpauth.token.types=at+jwt,jwt",
        "Use \"at+jwt\" as access token header type", "1 check(s) failed");
  }

  @Test
  @DisplayName("KC-D3: aud without the resource: Keycloak's Audience mapper")
  void audienceWithoutTheResource() throws Exception {
    Result result = doctor(withoutAudience);
    assertEquals(1, result.exit(), result.all());
    assertContains(result, "FAIL  token aud: audience_mismatch", "Audience mapper", "1 check(s) failed");
  }

  @Test
  @DisplayName("KC-D4: an issuer configured with a trailing slash Keycloak's does not have")
  void trailingSlash() throws Exception {
    Result result = doctor(atJwt, "mcpauth.issuer=" + issuer + "/", "mcpauth.resource=" + RESOURCE);
    assertEquals(1, result.exit(), result.all());
    assertContains(result, "FAIL  token iss: issuer_untrusted", "trailing slash", "mcpauth.issuer=" + issuer);
  }

  @Test
  @DisplayName("KC-D5: an algorithm that is not allowed (Keycloak signs with RS256)")
  void algorithmNotAllowed() throws Exception {
    Result result = doctor(atJwt, "mcpauth.issuer=" + issuer, "mcpauth.resource=" + RESOURCE,
        "mcpauth.algorithms=ES256");
    assertEquals(1, result.exit(), result.all());
    assertContains(result, "FAIL  token alg: algorithm_refused: alg 'RS256' is not allowed",
        "add RS256 to mcpauth.algorithms");
  }

  @Test
  @DisplayName("KC-D6: a kid Keycloak no longer publishes (its key provider deleted after a rotation)")
  void kidNotInTheJwks() throws Exception {
    String realm = "doctor-keys";
    keycloak.createRealm(realm);
    keycloak.addAudienceScope(realm, "mcp-server", RESOURCE);
    String old = keycloak.accessToken(realm, Keycloak.CLIENT_RFC9068, Keycloak.ALICE);
    secrets.add(old);
    String kid = (String) Keycloak.jwtPart(old, 0).get("kid");
    List<Map<String, Object>> before = keycloak.keyProviders(realm);
    keycloak.rotateRsaKey(realm);
    for (Map<String, Object> provider : before) {
      if ("rsa-generated".equals(provider.get("providerId"))) {
        keycloak.deleteComponent(realm, (String) provider.get("id"));
      }
    }
    assertFalse(keycloak.publishedKids(realm).contains(kid), "the old key is gone from Keycloak's JWKS");

    Result result = doctor(old, "mcpauth.issuer=" + keycloak.issuer(realm), "mcpauth.resource=" + RESOURCE);
    assertEquals(1, result.exit(), result.all());
    assertContains(result, "FAIL  token kid: key_unknown: unknown kid '" + kid + "'", "the JWKS has kid(s)",
        "skip  token signature");
  }
}
