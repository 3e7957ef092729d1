package io.mcpauth.tests;

import static io.mcpauth.tests.support.Doctor.assertFails;
import static io.mcpauth.tests.support.Doctor.assertPasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.Doctor;
import io.mcpauth.tests.support.Doctor.Result;
import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.TestIdentityProvider;
import io.mcpauth.tests.support.WithIdentityProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar mcpauth-agent.jar doctor}, run from the shipped jar against the test identity
 * provider: one test per hint it gives, its exit status, and no token in its output.
 * The same hints on a real Keycloak's tokens: KeycloakDoctorTest.
 */
class DoctorTest extends WithIdentityProvider {

  private static final String RESOURCE = "https://mcp.example.com/mcp";

  @TempDir
  Path dir;

  @BeforeAll
  static void unpublishedKey() throws Exception {
    idp.addKey(TestIdentityProvider.rsaKey("rsa-unpublished"), false);
  }

  private Result doctor(String token, String... arguments) throws IOException, InterruptedException {
    return Doctor.run(dir, token, idp.mintedTokens(), arguments);
  }

  private Result doctor(String token) throws IOException, InterruptedException {
    return doctor(token, "mcpauth.issuer=" + idp.issuer(), "mcpauth.resource=" + RESOURCE);
  }

  @Test
  void allChecksPassExitZero() throws Exception {
    Result result = doctor(idp.token(RESOURCE).sign());
    assertPasses(result, "ok    metadata " + idp.issuer(), "ok    jwks " + idp.issuer() + ": 3 signing key(s)",
        "ok    token signature: valid", "ok    token aud:", "all checks passed");
  }

  @Test
  void typJwt() throws Exception {
    Result result = doctor(idp.token(RESOURCE).header("typ", "JWT").sign());
    assertFails(result, "FAIL  token typ: typ_not_accepted", "mcpauth.token.types=at+jwt,jwt",
        "Use \"at+jwt\" as access token header type", "1 check(s) failed");
  }

  @Test
  void audienceWithoutTheResource() throws Exception {
    Result result = doctor(idp.token("account").sign());
    assertFails(result, "FAIL  token aud: audience_mismatch: aud 'account'", "Audience mapper",
        "audience parameter", "Entra ID", "mcpauth.audience");
  }

  @Test
  void issuerDifferingByATrailingSlash() throws Exception {
    Result result = doctor(idp.token(RESOURCE).claim("iss", idp.issuer() + "/").sign());
    assertFails(result, "FAIL  token iss: issuer_untrusted", "trailing slash", "mcpauth.issuer=" + idp.issuer() + "/");
  }

  @Test
  void clockSkew() throws Exception {
    long now = System.currentTimeMillis() / 1000;
    Result result = doctor(idp.token(RESOURCE).claim("iat", now + 300).claim("nbf", now + 300).sign());
    assertFails(result, "FAIL  token time: token_not_yet_valid", "ahead of this machine's clock",
        "synchronise both clocks (NTP), or raise mcpauth.clock-skew");
  }

  @Test
  void expired() throws Exception {
    Result result = doctor(idp.token(RESOURCE).expiresIn(-600).sign());
    assertFails(result, "FAIL  token time: token_expired", "get a fresh token");
  }

  @Test
  void algorithmNotAllowed() throws Exception {
    Result result = doctor(idp.token(RESOURCE).sign(), "mcpauth.issuer=" + idp.issuer(), "mcpauth.resource=" + RESOURCE,
        "mcpauth.algorithms=ES256,EdDSA");
    assertFails(result, "FAIL  token alg: algorithm_refused: alg 'RS256' is not allowed",
        "add RS256 to mcpauth.algorithms", "ok    token signature: valid");
  }

  @Test
  void kidNotInTheJwks() throws Exception {
    Result result = doctor(idp.token(RESOURCE).key("rsa-unpublished").sign());
    assertFails(result, "FAIL  token kid: key_unknown: unknown kid 'rsa-unpublished'", "the JWKS has kid(s)",
        "skip  token signature");
  }

  @Test
  void unreachableJwks() throws Exception {
    int closed = Fixture.freePort();
    Result result = doctor(idp.token(RESOURCE).sign(), "mcpauth.issuer=" + idp.issuer(), "mcpauth.resource=" + RESOURCE,
        "mcpauth.jwks.uri=http://127.0.0.1:" + closed + "/jwks", "mcpauth.http.timeout=2s");
    assertFails(result, "FAIL  jwks " + idp.issuer() + ": cannot fetch", "reaches that address",
        "FAIL  token kid: keys_unavailable");
  }

  @Test
  void configurationErrorExitsTwo() throws Exception {
    Path config = dir.resolve("agent.properties");
    Files.writeString(config, "mcpauth.issuer=" + idp.issuer() + "\nmcpauth.clock-skew=1h\n");
    Result result = doctor(null, "--config", config.toString(), "mcpauth.resource=" + RESOURCE);
    assertEquals(2, result.exit(), result.all());
    assertTrue(result.err().contains("mcpauth.clock-skew"), result.all());
  }

  @Test
  void theConfigFileIsReadAsTheAgentReadsIt() throws Exception {
    Path config = dir.resolve("agent.properties");
    Files.writeString(config, "mcpauth.issuer=" + idp.issuer() + "\nmcpauth.resource=" + RESOURCE
        + "\nmcpauth.token.types=at+jwt,jwt\n");
    Result result = doctor(idp.token(RESOURCE).header("typ", "JWT").sign(), "--config", config.toString());
    assertEquals(0, result.exit(), result.all());
    // an argument acts as a system property, above the file
    Result overridden = doctor(idp.token(RESOURCE).header("typ", "JWT").sign(), "--config", config.toString(),
        "mcpauth.token.types=at+jwt");
    assertEquals(1, overridden.exit(), overridden.all());
  }
}
