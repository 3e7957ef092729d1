package io.mcpauth.tests;

import static io.mcpauth.tests.support.Doctor.assertFails;
import static io.mcpauth.tests.support.Doctor.assertPasses;
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

  /** doctor on {@code token} with mcpauth.issuer={@code configuredIssuer}, the resource, and {@code settings}. */
  private Result doctorFor(String configuredIssuer, String token, String... settings) throws Exception {
    List<String> arguments = new ArrayList<>(List.of("mcpauth.issuer=" + configuredIssuer,
        "mcpauth.resource=" + RESOURCE));
    arguments.addAll(List.of(settings));
    return Doctor.run(dir, token, secrets, arguments.toArray(String[]::new));
  }

  /** doctor on {@code token} with the recipe's issuer and resource, and {@code settings}. */
  private Result doctor(String token, String... settings) throws Exception {
    return doctorFor(issuer, token, settings);
  }

  /**
   * A token of a new realm (with the recipe's audience), whose signing key Keycloak then rotated
   * and deleted, as when a key provider is removed after a rotation.
   */
  private static String tokenOfADeletedKey(String realm) {
    keycloak.createRealm(realm);
    keycloak.addAudienceScope(realm, "mcp-server", RESOURCE);
    String token = keycloak.accessToken(realm, Keycloak.CLIENT_RFC9068, Keycloak.ALICE);
    secrets.add(token);
    List<Map<String, Object>> before = keycloak.keyProviders(realm);
    keycloak.rotateRsaKey(realm);
    for (Map<String, Object> provider : before) {
      if ("rsa-generated".equals(provider.get("providerId"))) {
        keycloak.deleteComponent(realm, (String) provider.get("id"));
      }
    }
    return token;
  }

  @Test
  @DisplayName("KC-D1: the recipe's settings and Keycloak's tokens pass every check")
  void theRecipePasses() throws Exception {
    assertPasses(doctor(typJwt, "mcpauth.token.types=at+jwt,jwt"), "ok    metadata " + issuer, "ok    jwks " + issuer,
        "ok    token signature: valid", "all checks passed");
    assertEquals(0, doctor(atJwt).exit(), "at+jwt needs no mcpauth.token.types");
  }

  @Test
  @DisplayName("KC-D2: typ JWT: mcpauth.token.types, or Keycloak's at+jwt client option")
  void typJwt() throws Exception {
    assertFails(doctor(typJwt), "FAIL  token typ: typ_not_accepted", "mcpauth.token.types=at+jwt,jwt",
        "Use \"at+jwt\" as access token header type", "1 check(s) failed");
  }

  @Test
  @DisplayName("KC-D3: aud without the resource: Keycloak's Audience mapper")
  void audienceWithoutTheResource() throws Exception {
    assertFails(doctor(withoutAudience), "FAIL  token aud: audience_mismatch", "Audience mapper", "1 check(s) failed");
  }

  @Test
  @DisplayName("KC-D4: an issuer configured with a trailing slash Keycloak's does not have")
  void trailingSlash() throws Exception {
    assertFails(doctorFor(issuer + "/", atJwt), "FAIL  token iss: issuer_untrusted", "trailing slash",
        "mcpauth.issuer=" + issuer);
  }

  @Test
  @DisplayName("KC-D5: an algorithm that is not allowed (Keycloak signs with RS256)")
  void algorithmNotAllowed() throws Exception {
    assertFails(doctor(atJwt, "mcpauth.algorithms=ES256"),
        "FAIL  token alg: algorithm_refused: alg 'RS256' is not allowed", "add RS256 to mcpauth.algorithms");
  }

  @Test
  @DisplayName("KC-D6: a kid Keycloak no longer publishes (its key provider deleted after a rotation)")
  void kidNotInTheJwks() throws Exception {
    String realm = "doctor-keys";
    String old = tokenOfADeletedKey(realm);
    String kid = (String) Keycloak.jwtPart(old, 0).get("kid");
    assertFalse(keycloak.publishedKids(realm).contains(kid), "the old key is gone from Keycloak's JWKS");

    assertFails(doctorFor(keycloak.issuer(realm), old), "FAIL  token kid: key_unknown: unknown kid '" + kid + "'",
        "the JWKS has kid(s)", "skip  token signature");
  }
}
