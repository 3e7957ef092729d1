package io.mcpauth.core.authserver.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.core.json.JsonWriter;
import io.mcpauth.core.json.StrictJson;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Dynamic Client Registration bodies (RFC 7591; AS-D1..D4, AS-SEC-39..42). */
class RegistrationRequestTest {

  private static final Set<String> OFFERED = Set.of("mcp:tools", "offline_access");

  private static Map<String, Object> body(Object... members) {
    Map<String, Object> body = new HashMap<>();
    body.put("redirect_uris", List.of("http://127.0.0.1:33418/callback"));
    for (int i = 0; i < members.length; i += 2) {
      body.put((String) members[i], members[i + 1]);
    }
    return body;
  }

  private static ClientMetadata valid(Object... members) throws ClientMetadataException {
    return RegistrationRequest.validate(body(members), OFFERED);
  }

  private static ClientMetadataException refused(String error, Object... members) {
    ClientMetadataException e = assertThrows(ClientMetadataException.class, () -> valid(members));
    assertEquals(error, e.error(), e.description());
    assertTrue(e.description().chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '"' && c != '\\'),
        "a valid error_description: " + e.description());
    return e;
  }

  @DisplayName("AS-D2: defaults client_secret_basic, [authorization_code], [code]")
  @Test
  void defaults() throws Exception {
    ClientMetadata metadata = valid();
    assertEquals("client_secret_basic", metadata.tokenEndpointAuthMethod());
    assertEquals(List.of("authorization_code"), metadata.grantTypes());
    assertEquals(List.of("code"), metadata.responseTypes());
    assertEquals(List.of("http://127.0.0.1:33418/callback"), metadata.redirectUris());
    assertEquals("native", metadata.applicationType(), "inferred from the loopback redirect (AS-D3)");
    assertNull(metadata.clientName());
    assertNull(metadata.scope());
    assertFalse(metadata.isPublic());
  }

  @DisplayName("a typical MCP client registration (public client, refresh tokens, scope)")
  @Test
  void typicalMcpClient() throws Exception {
    ClientMetadata metadata = valid("client_name", "Claude Code (mcpauth)", "grant_types", List.of("authorization_code", "refresh_token"),
        "response_types", List.of("code"), "token_endpoint_auth_method", "none", "scope", "mcp:tools offline_access");
    assertTrue(metadata.isPublic());
    assertEquals(List.of("authorization_code", "refresh_token"), metadata.grantTypes());
    assertEquals("mcp:tools offline_access", metadata.scope());
    assertEquals("Claude Code (mcpauth)", metadata.clientName());
    assertTrue(metadata.redirectsOnlyToLoopback());
  }

  static Stream<Arguments> dVectors() {
    return RedirectUrisTest.registrationVectors();
  }

  @ParameterizedTest(name = "{0} (through DCR)")
  @MethodSource("dVectors")
  void everyDVectorThroughRegistration(String name, String uri, boolean accept) throws Exception {
    Map<String, Object> body = body("redirect_uris", List.of(uri));
    if (accept) {
      assertEquals(List.of(uri), RegistrationRequest.validate(body, OFFERED).redirectUris());
    } else {
      ClientMetadataException e = assertThrows(ClientMetadataException.class, () -> RegistrationRequest.validate(body, OFFERED));
      assertEquals("invalid_redirect_uri", e.error(), name);
    }
  }

  @DisplayName("AS-SEC-40: redirect_uris given as a string is invalid_client_metadata")
  @Test
  void redirectUrisAsString() {
    refused("invalid_client_metadata", "redirect_uris", "https://app.example.com/cb");
  }

  @DisplayName("AS-SEC-40: more than 20 redirect_uris is invalid_client_metadata; 20 is fine")
  @Test
  void tooManyRedirectUris() throws Exception {
    List<String> twenty = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      twenty.add("https://app.example.com/cb" + i);
    }
    assertEquals(20, valid("redirect_uris", twenty).redirectUris().size());
    List<String> twentyOne = new ArrayList<>(twenty);
    twentyOne.add("https://app.example.com/cb20");
    refused("invalid_client_metadata", "redirect_uris", twentyOne);
  }

  @DisplayName("AS-SEC-40: duplicate members never reach validation (StrictJson refuses them: 400)")
  @Test
  void duplicateMembers() {
    assertThrows(StrictJson.MalformedJsonException.class, () -> StrictJson.parseObject(
        "{\"redirect_uris\":[\"https://a.example/cb\"],\"redirect_uris\":[\"https://evil.example/cb\"]}", "the registration request"));
  }

  @DisplayName("redirect_uris: missing or empty for authorization_code, non-string entry, duplicates merged")
  @Test
  void redirectUriShapes() throws Exception {
    refused("invalid_redirect_uri", "redirect_uris", null);
    refused("invalid_redirect_uri", "redirect_uris", List.of());
    refused("invalid_redirect_uri", "redirect_uris", List.of("https://a.example/cb", 42L));
    ClientMetadataException e = refused("invalid_redirect_uri", "redirect_uris", List.of("https://a.example/cb", "javascript:alert(1)"));
    assertTrue(e.description().startsWith("redirect_uris[1] "), e.description());
    assertEquals(List.of("https://a.example/cb"), valid("redirect_uris", List.of("https://a.example/cb", "https://a.example/cb")).redirectUris());
  }

  @DisplayName("AS-SEC-41: a client-chosen client_id or client_secret is invalid_client_metadata")
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"client_id", "client_secret"})
  void clientChosenCredentials(String member) throws Exception {
    refused("invalid_client_metadata", member, "https://attacker.example/client.json");
    refused("invalid_client_metadata", member, "chosen");
    valid(member, null); // JSON null is an absent member
  }

  @DisplayName("AS-SEC-41: implicit, password and unknown grants are invalid_client_metadata")
  @ParameterizedTest(name = "grant_types {0}")
  @ValueSource(strings = {"implicit", "password", "urn:ietf:params:oauth:grant-type:device_code", "urn:ietf:params:oauth:grant-type:saml2-bearer", ""})
  void unsupportedGrants(String grant) {
    refused("invalid_client_metadata", "grant_types", List.of("authorization_code", grant));
  }

  @DisplayName("the jwt-bearer grant (ID-JAG) is for confidential clients only, and needs no redirect URI alone")
  @Test
  void jwtBearer() throws Exception {
    String grant = RegistrationRequest.JWT_BEARER;
    assertEquals(List.of("authorization_code", grant), valid("grant_types", List.of("authorization_code", grant)).grantTypes());
    Map<String, Object> alone = new HashMap<>(Map.of("grant_types", List.of(grant)));
    assertEquals(List.of(), RegistrationRequest.validate(alone, OFFERED).responseTypes());
    refused("invalid_client_metadata", "grant_types", List.of("authorization_code", grant), "token_endpoint_auth_method", "none");
  }

  @DisplayName("AS-SEC-41: unsupported token_endpoint_auth_method is invalid_client_metadata")
  @ParameterizedTest(name = "token_endpoint_auth_method {0}")
  @ValueSource(strings = {"private_key_jwt", "client_secret_jwt", "tls_client_auth", "NONE", ""})
  void unsupportedAuthMethods(String method) {
    refused("invalid_client_metadata", "token_endpoint_auth_method", method);
  }

  @DisplayName("AS-SEC-41: unknown members are ignored and not kept")
  @Test
  void unknownMembersDropped() throws Exception {
    ClientMetadata metadata = valid("client_name", "App", "jwks_uri", "javascript:alert(1)", "contacts", List.of("a@example.com"),
        "software_id", "x", "client_name#ja-Jpan-JP", "アプリ", "x-custom", Map.of("nested", true), "client_id_issued_at", 1L);
    Map<String, Object> json = metadata.toJson();
    assertEquals(Set.of("redirect_uris", "token_endpoint_auth_method", "grant_types", "response_types", "client_name", "application_type"),
        json.keySet());
    assertFalse(JsonWriter.write(json).contains("javascript"));
  }

  @DisplayName("AS-D2: grant_types and response_types must agree (RFC 7591 §2.1)")
  @Test
  void grantAndResponseTypesAgree() throws Exception {
    refused("invalid_client_metadata", "response_types", List.of("token"));
    refused("invalid_client_metadata", "response_types", List.of("code", "id_token"));
    refused("invalid_client_metadata", "response_types", List.of());
    refused("invalid_client_metadata", "grant_types", List.of("client_credentials"), "token_endpoint_auth_method", "client_secret_post",
        "response_types", List.of("code"));
    refused("invalid_client_metadata", "grant_types", List.of());
    refused("invalid_client_metadata", "grant_types", "authorization_code");
    refused("invalid_client_metadata", "grant_types", List.of("refresh_token"));
  }

  @DisplayName("client_credentials is never registered (a token without a user): service clients come from 'client add'")
  @Test
  void clientCredentialsIsRefused() throws Exception {
    for (List<String> grantTypes : List.of(List.of("client_credentials"), List.of("authorization_code", "client_credentials"),
        List.of("authorization_code", "refresh_token", "client_credentials"))) {
      ClientMetadataException e = refused("invalid_client_metadata", "grant_types", grantTypes,
          "token_endpoint_auth_method", "client_secret_post");
      assertTrue(e.description().contains("java -jar mcpauth-agent.jar client add"), e.description());
    }
    refused("invalid_client_metadata", "grant_types", List.of("client_credentials"), "token_endpoint_auth_method", "none");
    refused("invalid_client_metadata", "grant_types", List.of("client_credentials"), "redirect_uris", null);
  }

  @DisplayName("AS-SEC-42: logo_uri and client_uri must be https to a public host; never fetched")
  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
      "logo_uri, javascript:alert(1), false",
      "logo_uri, http://app.example.com/logo.png, false",
      "logo_uri, data:image/png;base64;AAAA, false",
      "logo_uri, https://10.0.0.1/logo.png, false",
      "logo_uri, https://192.168.1.5/logo.png, false",
      "logo_uri, https://169.254.169.254/latest/meta-data/, false",
      "logo_uri, https://127.0.0.1/logo.png, false",
      "logo_uri, https://[::1]/logo.png, false",
      "logo_uri, https://[fd00::1]/logo.png, false",
      "logo_uri, https://[::ffff:10.0.0.1]/logo.png, false",
      "logo_uri, https://localhost/logo.png, false",
      "logo_uri, https://localhost./logo.png, false",
      "logo_uri, https://127.0.0.1./logo.png, false",
      "logo_uri, https://app.localhost/logo.png, false",
      "logo_uri, https://0x7f000001/logo.png, false",
      "logo_uri, https://u:p@app.example.com/logo.png, false",
      "logo_uri, https://app.example.com/logo.png, true",
      "logo_uri, https://93.184.216.34/logo.png, true",
      "client_uri, javascript:alert(1), false",
      "client_uri, http://app.example.com/, false",
      "client_uri, https://10.1.2.3/, false",
      "client_uri, https://app.example.com/, true",
  })
  void linkUris(String member, String uri, boolean accept) throws Exception {
    if (accept) {
      assertEquals(uri, valid(member, uri).toJson().get(member));
    } else {
      refused("invalid_client_metadata", member, uri);
    }
  }

  @DisplayName("AS-SEC-42: an overlong logo_uri is refused")
  @Test
  void overlongLogoUri() {
    refused("invalid_client_metadata", "logo_uri", "https://app.example.com/" + "a".repeat(3000));
  }

  @DisplayName("scope: tokens not on offer are dropped; malformed scope is refused")
  @Test
  void scope() throws Exception {
    assertEquals("mcp:tools", valid("scope", "openid mcp:tools profile").scope());
    assertNull(valid("scope", "openid profile").scope(), "nothing on offer left: any offered scope may be requested");
    assertEquals("mcp:tools", valid("scope", "mcp:tools mcp:tools").scope());
    refused("invalid_client_metadata", "scope", "mcp:tools  offline_access");
    refused("invalid_client_metadata", "scope", " mcp:tools");
    refused("invalid_client_metadata", "scope", "mcp:\"tools\"");
    refused("invalid_client_metadata", "scope", "");
    refused("invalid_client_metadata", "scope", List.of("mcp:tools"));
    refused("invalid_client_metadata", "scope", "a".repeat(3000));
  }

  @DisplayName("AS-D4 / AS-SEC-20: client_name is unverified text, controls blanked, cut to 200 code points")
  @Test
  void clientName() throws Exception {
    assertEquals("<script>alert(1)</script>", valid("client_name", "<script>alert(1)</script>").clientName(), "escaping is the page's job");
    assertEquals("a b", valid("client_name", "a\nb").clientName());
    assertEquals("\u202eevil", valid("client_name", "\u202eevil").clientName(), "bidi controls are shown escaped by the page");
    String emoji = "\ud83d\ude00";
    String name = valid("client_name", emoji.repeat(10_000)).clientName();
    assertEquals(200, name.codePointCount(0, name.length()));
    assertEquals(emoji.repeat(200), name, "never a split surrogate pair");
    assertNull(valid("client_name", "   ").clientName());
    refused("invalid_client_metadata", "client_name", 42L);
  }

  @DisplayName("AS-D3: application_type native/web, inferred when absent; web never uses a private-use scheme")
  @Test
  void applicationType() throws Exception {
    assertEquals("web", valid("redirect_uris", List.of("https://app.example.com/cb")).applicationType());
    assertEquals("native", valid("redirect_uris", List.of("https://app.example.com/cb", "com.example.app:/cb")).applicationType());
    assertEquals("native", valid("redirect_uris", List.of("https://app.example.com/cb"), "application_type", "native").applicationType());
    assertEquals("web", valid("application_type", "web").applicationType(), "web apps under development redirect to loopback");
    refused("invalid_redirect_uri", "redirect_uris", List.of("com.example.app:/cb"), "application_type", "web");
    refused("invalid_client_metadata", "application_type", "browser");
    refused("invalid_client_metadata", "application_type", true);
  }

  @DisplayName("a body that is not an object is invalid_client_metadata")
  @Test
  void nullBody() {
    ClientMetadataException e = assertThrows(ClientMetadataException.class, () -> RegistrationRequest.validate(null, OFFERED));
    assertEquals("invalid_client_metadata", e.error());
  }

  @DisplayName("AS-D1: toJson is the RFC 7591 echo, in order, nulls left out; fromJson reads it back")
  @Test
  void jsonRoundTrip() throws Exception {
    ClientMetadata metadata = valid("client_name", "App", "token_endpoint_auth_method", "none", "scope", "mcp:tools",
        "logo_uri", "https://app.example.com/logo.png", "client_uri", "https://app.example.com/",
        "grant_types", List.of("authorization_code", "refresh_token"));
    String json = JsonWriter.write(metadata.toJson());
    assertEquals("{\"redirect_uris\":[\"http://127.0.0.1:33418/callback\"],\"token_endpoint_auth_method\":\"none\","
        + "\"grant_types\":[\"authorization_code\",\"refresh_token\"],\"response_types\":[\"code\"],\"client_name\":\"App\","
        + "\"client_uri\":\"https://app.example.com/\",\"logo_uri\":\"https://app.example.com/logo.png\",\"scope\":\"mcp:tools\","
        + "\"application_type\":\"native\"}", json);
    assertEquals(metadata, ClientMetadata.fromJson(StrictJson.parseObject(json, "stored client")));
    ClientMetadata minimal = valid();
    assertEquals(minimal, ClientMetadata.fromJson(StrictJson.parseObject(JsonWriter.write(minimal.toJson()), "stored client")));
    assertFalse(minimal.toJson().containsKey("client_name"));
  }

  @DisplayName("fromJson fails loudly on a damaged store")
  @Test
  void fromJsonDamaged() throws Exception {
    Map<String, Object> json = new HashMap<>(valid().toJson());
    json.put("redirect_uris", "https://a.example/cb");
    assertThrows(IllegalArgumentException.class, () -> ClientMetadata.fromJson(json));
    Map<String, Object> noMethod = new HashMap<>(valid().toJson());
    noMethod.remove("token_endpoint_auth_method");
    assertThrows(IllegalArgumentException.class, () -> ClientMetadata.fromJson(noMethod));
    Map<String, Object> badList = new HashMap<>(valid().toJson());
    badList.put("grant_types", Collections.singletonList(1L));
    assertThrows(IllegalArgumentException.class, () -> ClientMetadata.fromJson(badList));
  }

  @DisplayName("AS-C5 helper: allowsRedirect and redirectUriFor use the registered list")
  @Test
  void allowsRedirect() throws Exception {
    ClientMetadata metadata = valid("redirect_uris", List.of("http://127.0.0.1/callback", "https://app.example.com/cb"));
    assertTrue(metadata.allowsRedirect("http://127.0.0.1:50123/callback"));
    assertTrue(metadata.allowsRedirect("https://app.example.com/cb"));
    assertFalse(metadata.allowsRedirect("https://app.example.com/cb2"));
    assertFalse(metadata.allowsRedirect(null));
    assertNull(metadata.redirectUriFor(null), "several registered: redirect_uri is required");
    assertFalse(metadata.redirectsOnlyToLoopback());
  }
}
