package io.mcpauth.core.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.core.audit.AuditEvent;
import io.mcpauth.core.audit.AuditEvents;
import io.mcpauth.core.audit.AuditSink;
import io.mcpauth.core.config.AgentConfig;
import io.mcpauth.core.config.ConfigParser;
import io.mcpauth.core.config.ConfigSources;
import io.mcpauth.core.denial.ReasonCode;
import io.mcpauth.core.logging.CapturedLog;
import io.mcpauth.core.token.AccessTokenVerifier;
import io.mcpauth.core.token.KeySet;
import io.mcpauth.core.token.TestTokens;
import io.mcpauth.core.token.TestTokens.CountingKeySource;
import io.mcpauth.core.token.TestTokens.Signer;
import io.mcpauth.core.token.TokenRejectedException;
import io.mcpauth.core.token.TokenVerifier;
import io.mcpauth.core.token.VerifiedTokenCache;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The decision core on its own, without any web framework: every {@link ReasonCode} is produced by
 * the request it names, with the status and challenge the gate has always answered, and is logged.
 */
class AdmissionTest {

  private static final Signer SIGNER = TestTokens.rsa();
  private static final String VALID = SIGNER.mint();

  private final CountingKeySource keys = TestTokens.keys(SIGNER.publicJwk());

  private Admission admission(AgentConfig config) {
    return admission(config, new TokenVerifier(config, keys, TestTokens.CLOCK));
  }

  /** Every event the admissions of a test publish (the trail off: denials only). */
  private final java.util.List<AuditEvent> published = new java.util.concurrent.CopyOnWriteArrayList<>();

  private Admission admission(AgentConfig config, AccessTokenVerifier verifier) {
    return new Admission(config, new VerifiedTokenCache(100, TestTokens.CLOCK, VerifiedTokenCache.Revocations.NONE)
        .inFrontOf(verifier), new AuditEvents(java.util.List.of(published::add)));
  }

  private Decision decide(String token) {
    return admission(TestTokens.config()).decide(Request.post().bearer(token));
  }

  private static String mint(Object... claims) {
    return SIGNER.mint(TestTokens.with(TestTokens.claims(), claims));
  }

  private static String mintHeader(Object... header) {
    Map<String, Object> fields = SIGNER.header();
    for (int i = 0; i < header.length; i += 2) {
      fields.put((String) header[i], header[i + 1]);
    }
    return SIGNER.mint(fields, TestTokens.claims());
  }

  /** One request (or body) per code; each yields the denial that code names. */
  private Decision.Deny denialFor(ReasonCode code) throws Exception {
    AgentConfig config = TestTokens.config();
    return switch (code) {
      case AUTHORIZATION_MALFORMED -> deny(admission(config).decide(Request.post().header("Authorization", "Bearer")));
      case TOKEN_MISSING -> deny(admission(config).decide(Request.post()));
      case TOKEN_MALFORMED -> deny(decide("a\"b"));
      case HEADER_PARAMETER_REFUSED -> deny(decide(mintHeader("jku", "https://attacker.example/jwks")));
      case ALGORITHM_REFUSED -> deny(decide(SIGNER.signRaw("{\"alg\":\"none\",\"kid\":\"rsa-1\",\"typ\":\"at+jwt\"}",
          "{\"iss\":\"" + TestTokens.ISSUER + "\"}")));
      case TYP_NOT_ACCEPTED -> deny(decide(mintHeader("typ", "JWT")));
      case KEY_UNKNOWN -> deny(decide(mintHeader("kid", "unknown")));
      case KEY_RETIRED -> {
        KeySet before = TestTokens.keySet(TestTokens.jwks(SIGNER.publicJwk("kid", "retired-1")));
        KeySet now = TestTokens.keySet(TestTokens.jwks(SIGNER.publicJwk())).after(before);
        yield deny(admission(config, new TokenVerifier(config, new CountingKeySource(now), TestTokens.CLOCK))
            .decide(Request.post().bearer(mintHeader("kid", "retired-1"))));
      }
      case SIGNATURE_INVALID -> deny(decide(TestTokens.attackerRsa().mint()));
      case ISSUER_UNTRUSTED -> deny(decide(mint("iss", "https://other.example.com")));
      case AUDIENCE_MISMATCH -> deny(decide(mint("aud", "https://other.example.com/mcp")));
      case TOKEN_EXPIRED -> deny(decide(mint("exp", TestTokens.NOW.getEpochSecond() - 100)));
      case TOKEN_NOT_YET_VALID -> deny(decide(mint("nbf", TestTokens.NOW.getEpochSecond() + 1000)));
      case LIFETIME_REFUSED -> deny(decide(SIGNER.mint(TestTokens.without(TestTokens.claims(), "exp"))));
      case SENDER_CONSTRAINED -> deny(decide(mint("cnf", Map.of("jkt", "x"))));
      // introspection's verdicts are the endpoint's; the gate passes on the code its checks give
      case TOKEN_INACTIVE, INTROSPECTION_UNAVAILABLE -> deny(admission(config, (token, mayWait) -> {
        throw new TokenRejectedException(code, "from the introspection check");
      }).decide(Request.post().bearer("opaque")));
      case TOKEN_REVOKED -> deny(new Admission(config, new VerifiedTokenCache(100, TestTokens.CLOCK, token -> true)
          .inFrontOf(new TokenVerifier(config, keys, TestTokens.CLOCK)), new AuditEvents(java.util.List.of(published::add)))
          .decide(Request.post().bearer(VALID)));
      case KEYS_UNAVAILABLE -> deny(admission(config, new TokenVerifier(config, new CountingKeySource(null),
          TestTokens.CLOCK)).decide(Request.post().bearer(VALID)));
      case INSUFFICIENT_SCOPE -> deny(admission(TestTokens.config("mcpauth.scopes.required", "admin"))
          .decide(Request.post().bearer(VALID)));
      case BODY_TOO_LARGE -> {
        Admission messages = admission(TestTokens.config("mcpauth.scopes.tool.delete", "admin"));
        yield messages.refuseDeclaredLength(Request.post(), null, messages.maxBodyBytes() + 1L);
      }
      case BODY_MEDIA_TYPE_REFUSED -> judge("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", "text/plain");
      case BODY_MALFORMED -> judge("{\"jsonrpc\":", "application/json");
      case SESSION_NOT_OWNED -> {
        Admission shared = admission(config);
        Request first = Request.post().streamable().bindsOnFirstUse().bearer(VALID).header("Mcp-Session-Id", "s-1");
        assertInstanceOf(Decision.Admit.class, shared.decide(first), "the first caller binds the session");
        yield deny(shared.decide(Request.post().streamable().bindsOnFirstUse().bearer(mint("sub", "mallory"))
            .header("Mcp-Session-Id", "s-1")));
      }
      case SESSION_UNKNOWN -> deny(admission(config).decide(Request.post().streamable().bearer(VALID)
          .header("Mcp-Session-Id", "never-bound")));
      case SESSION_AMBIGUOUS -> deny(admission(config).decide(Request.post().legacySse().bearer(VALID)
          .parameter("sessionId", RequestView.REPEATED)));
      case ORIGIN_REFUSED -> deny(admission(config).decide(Request.post().bearer(VALID)
          .header("Origin", "https://evil.example")));
      case ORIGIN_AMBIGUOUS -> deny(admission(config).decide(Request.post().bearer(VALID)
          .header("Origin", RequestView.REPEATED)));
      case HOST_MISDIRECTED -> {
        AgentConfig loopback = ConfigParser.parse(ConfigSources.of(new Properties(), Map.of()));
        assertTrue(loopback.loopbackResource());
        yield deny(admission(loopback, (token, mayWait) -> {
          throw new AssertionError("a misdirected request never reaches the verifier");
        }).decide(Request.post().bearer(VALID).header("Host", "evil.example")));
      }
      case METHOD_NOT_ALLOWED -> admission(config).refuseBeforeService(new Request("TRACE"), "Transport",
          Set.of("GET", "HEAD", "POST"), Challenges.methodNotAllowed("GET, HEAD, POST"));
      case TRANSPORT_UNRECOGNISED -> {
        Admission refusing = admission(config);
        refusing.refuseTransport("com.acme.Transport");
        yield refusing.refuseBeforeService(Request.post(), "com.acme.Transport", null, null);
      }
      case INTERNAL_ERROR -> admission(config).refuseAfterError(new IllegalStateException("broken"));
      case AUDIT_UNAVAILABLE -> deny(new Admission(config, new VerifiedTokenCache(100, TestTokens.CLOCK,
          VerifiedTokenCache.Revocations.NONE).inFrontOf(new TokenVerifier(config, keys, TestTokens.CLOCK)),
          new AuditEvents(java.util.List.of(new AuditSink() {
            @Override
            public void accept(AuditEvent event) {
              published.add(event);
            }

            @Override
            public boolean wantsAdmissions() {
              return true;
            }

            @Override
            public boolean unavailable() {
              return true;
            }
          }))).decide(Request.post().bearer(VALID)));
    };
  }

  private Decision.Deny judge(String body, String contentType) {
    Admission messages = admission(TestTokens.config("mcpauth.scopes.tool.delete", "admin"));
    Request request = Request.post().bearer(VALID);
    Decision.Admit admitted = assertInstanceOf(Decision.Admit.class, messages.decide(request));
    assertTrue(messages.judgesBody(request));
    return messages.judgeMessage(request, admitted, body.getBytes(StandardCharsets.UTF_8), contentType, null);
  }

  private static Decision.Deny deny(Decision decision) {
    return assertInstanceOf(Decision.Deny.class, decision);
  }

  private static final Map<ReasonCode, Integer> STATUS = statuses();

  private static Map<ReasonCode, Integer> statuses() {
    Map<ReasonCode, Integer> statuses = new EnumMap<>(ReasonCode.class);
    for (ReasonCode code : ReasonCode.values()) {
      statuses.put(code, 401);
    }
    statuses.put(ReasonCode.AUTHORIZATION_MALFORMED, 400);
    statuses.put(ReasonCode.KEYS_UNAVAILABLE, 503);
    statuses.put(ReasonCode.INTROSPECTION_UNAVAILABLE, 503);
    statuses.put(ReasonCode.INSUFFICIENT_SCOPE, 403);
    statuses.put(ReasonCode.BODY_TOO_LARGE, 413);
    statuses.put(ReasonCode.BODY_MEDIA_TYPE_REFUSED, 415);
    statuses.put(ReasonCode.BODY_MALFORMED, 400);
    statuses.put(ReasonCode.SESSION_NOT_OWNED, 404);
    statuses.put(ReasonCode.SESSION_UNKNOWN, 404);
    statuses.put(ReasonCode.SESSION_AMBIGUOUS, 400);
    statuses.put(ReasonCode.ORIGIN_REFUSED, 403);
    statuses.put(ReasonCode.ORIGIN_AMBIGUOUS, 400);
    statuses.put(ReasonCode.HOST_MISDIRECTED, 421);
    statuses.put(ReasonCode.METHOD_NOT_ALLOWED, 405);
    statuses.put(ReasonCode.TRANSPORT_UNRECOGNISED, 503);
    statuses.put(ReasonCode.INTERNAL_ERROR, 503);
    statuses.put(ReasonCode.AUDIT_UNAVAILABLE, 503);
    return statuses;
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(ReasonCode.class)
  @DisplayName("every reason code: the denial its request gets, with its status, challenge and log line")
  void everyReasonCode(ReasonCode code) throws Exception {
    Decision.Deny denial;
    try (CapturedLog log = new CapturedLog()) {
      denial = denialFor(code);
      assertNotNull(denial, code.code());
      assertTrue(log.text().contains(" " + denial.status() + " " + code.code()),
          "the denial's log line names its status and code: " + log.text());
      assertFalse(log.text().contains(VALID), "never the token");
    }
    assertEquals(code, denial.reason());
    assertEquals(STATUS.get(code), denial.status(), code.code());
    java.util.List<AuditEvent> events = published.stream().filter(event -> !event.success()).toList();
    assertEquals(1, events.size(), "one audit event per denial: " + code);
    assertEquals(code.code(), events.get(0).reason());
    assertEquals(denial.status(), events.get(0).status());
    String challenge = denial.challenge();
    switch (denial.status()) {
      case 401 -> assertTrue(challenge.startsWith("Bearer ") && challenge.contains("resource_metadata="), challenge);
      case 403 -> assertEquals(code == ReasonCode.INSUFFICIENT_SCOPE, challenge != null
          && challenge.startsWith("Bearer error=\"insufficient_scope\""), String.valueOf(challenge));
      default -> assertEquals(code == ReasonCode.AUTHORIZATION_MALFORMED, challenge != null, String.valueOf(challenge));
    }
    if (code == ReasonCode.TOKEN_MISSING) {
      assertFalse(challenge.contains("error="), "no error code without a token (RFC 6750 §3.1)");
    } else if (denial.status() == 401) {
      assertTrue(challenge.contains("error=\"invalid_token\""), challenge);
    }
  }

  @Test
  @DisplayName("codes are stable lower_snake names")
  void codeNames() {
    for (ReasonCode code : ReasonCode.values()) {
      assertEquals(code.name().toLowerCase(Locale.ROOT), code.code());
      assertTrue(code.code().matches("[a-z]+(_[a-z]+)*"), code.code());
    }
    assertEquals("token_missing", ReasonCode.TOKEN_MISSING.toString());
  }

  @Test
  @DisplayName("an admitted request carries its caller and session; DELETE forgets the session")
  void admitted() {
    Admission admission = admission(TestTokens.config());
    Request post = Request.post().streamable().bindsOnFirstUse().bearer(VALID).header("Mcp-Session-Id", "s-2");
    Decision.Admit admitted = assertInstanceOf(Decision.Admit.class, admission.decide(post));
    assertEquals("user-42", admitted.caller().subject());
    assertEquals("s-2", admitted.sessionId());
    assertEquals("user-42", admitted.caller().entries().get(CallerIdentity.SUBJECT));
    Request delete = new Request("DELETE").streamable().bearer(VALID).header("Mcp-Session-Id", "s-2");
    assertInstanceOf(Decision.Admit.class, admission.decide(delete));
    assertEquals(ReasonCode.SESSION_UNKNOWN, deny(admission.decide(delete)).reason(), "deleted, so unknown");
  }

  @Test
  @DisplayName("a repeated token's caller is built once: the next request reuses its entries; another token gets its own")
  void callerBuiltOncePerVerifiedToken() {
    Admission admission = admission(TestTokens.config());
    Decision.Admit first = assertInstanceOf(Decision.Admit.class, admission.decide(Request.post().bearer(VALID)));
    Decision.Admit again = assertInstanceOf(Decision.Admit.class, admission.decide(Request.post().bearer(VALID)));
    assertSame(first.token(), again.token(), "the verified-token cache hands back the same token");
    assertSame(first.entries(), again.entries());
    assertSame(first.caller(), again.caller());
    Decision.Admit other = assertInstanceOf(Decision.Admit.class,
        admission.decide(Request.post().bearer(mint("sub", "someone-else"))));
    assertEquals("someone-else", other.entries().get(CallerIdentity.SUBJECT));
    assertEquals("user-42", again.entries().get(CallerIdentity.SUBJECT));
  }

  @Test
  @DisplayName("a legacy SSE session is read from the parameter only on POST, a GET opens one")
  void legacySseSessionOnlyOnPost() {
    Admission admission = admission(TestTokens.config());
    Request get = new Request("GET").legacySse().bearer(VALID).parameter("sessionId", RequestView.REPEATED);
    assertInstanceOf(Decision.Admit.class, admission.decide(get));
  }

  @Test
  @DisplayName("two Authorization fields are one malformed request, not a choice of token")
  void repeatedAuthorization() {
    Decision.Deny denial = deny(admission(TestTokens.config()).decide(Request.post()
        .header("Authorization", RequestView.REPEATED)));
    assertEquals(ReasonCode.AUTHORIZATION_MALFORMED, denial.reason());
  }

  @Test
  @DisplayName("a message the rules allow passes; a tool the token lacks the scope for gets 403 naming it")
  void messageScopes() {
    Admission messages = admission(TestTokens.config("mcpauth.scopes.tool.delete", "admin"));
    Request request = Request.post().bearer(VALID);
    Decision.Admit admitted = assertInstanceOf(Decision.Admit.class, messages.decide(request));
    assertNull(messages.judgeMessage(request, admitted,
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}".getBytes(StandardCharsets.UTF_8), "application/json", null));
    Decision.Deny denial = messages.judgeMessage(request, admitted,
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"delete\"}}"
            .getBytes(StandardCharsets.UTF_8), "application/json", null);
    assertEquals(ReasonCode.INSUFFICIENT_SCOPE, denial.reason());
    assertTrue(denial.challenge().contains("scope=\"admin\""), denial.challenge());
  }

  @Test
  @DisplayName("mcpauth.scopes.advertised-prefix goes before every scope named to clients, never before those looked for in tokens")
  void advertisedScopePrefix() {
    AgentConfig config = TestTokens.config("mcpauth.scopes.required", "mcp:tools",
        "mcpauth.scopes.tool.delete", "admin", "mcpauth.scopes.advertised-prefix", "api://app-1/");
    Admission messages = admission(config);

    Decision.Deny noToken = deny(messages.decide(Request.post()));
    assertTrue(noToken.challenge().contains("scope=\"api://app-1/mcp:tools\""), noToken.challenge());
    Request request = Request.post().bearer(VALID); // its scope claim: "mcp:tools mcp:read", unprefixed
    Decision.Admit admitted = assertInstanceOf(Decision.Admit.class, messages.decide(request));
    Decision.Deny denial = messages.judgeMessage(request, admitted,
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"delete\"}}"
            .getBytes(StandardCharsets.UTF_8), "application/json", null);
    assertTrue(denial.challenge().contains("scope=\"api://app-1/mcp:tools api://app-1/admin\""), denial.challenge());

    String metadata = new ResourceIdentity(config).forHost("mcp.example").metadata()
        .replyFor("/.well-known/oauth-protected-resource").body;
    assertTrue(metadata.contains("\"scopes_supported\":[\"api://app-1/mcp:tools\",\"api://app-1/admin\"]"), metadata);
  }

  @Test
  @DisplayName("a prefix that no scope could hold stops the configuration")
  void advertisedScopePrefixIsScopeText() {
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> TestTokens.config("mcpauth.scopes.advertised-prefix", "api://app 1/"));
    assertTrue(refused.getMessage().contains("mcpauth.scopes.advertised-prefix"), refused.getMessage());
  }

  /** A request as a transport would present it. */
  static final class Request implements RequestView {
    private final String method;
    private final Map<String, String> headers = new HashMap<>();
    private final Map<String, String> parameters = new HashMap<>();
    private SessionStyle style = SessionStyle.NONE;
    private boolean firstUse;

    Request(String method) {
      this.method = method;
    }

    static Request post() {
      return new Request("POST");
    }

    Request header(String name, String value) {
      headers.put(name.toLowerCase(Locale.ROOT), value);
      return this;
    }

    Request bearer(String token) {
      return header("Authorization", "Bearer " + token);
    }

    Request parameter(String name, String value) {
      parameters.put(name, value);
      return this;
    }

    Request streamable() {
      style = SessionStyle.STREAMABLE;
      return this;
    }

    Request legacySse() {
      style = SessionStyle.LEGACY_SSE;
      return this;
    }

    Request bindsOnFirstUse() {
      firstUse = true;
      return this;
    }

    @Override
    public String method() {
      return method;
    }

    @Override
    public String path() {
      return "/mcp";
    }

    @Override
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    @Override
    public String firstHeader(String name) {
      String value = header(name);
      return value == REPEATED ? "first" : value;
    }

    @Override
    public String parameter(String name) {
      return parameters.get(name);
    }

    @Override
    public String remoteAddress() {
      return "192.0.2.1";
    }

    @Override
    public SessionStyle sessionStyle() {
      return style;
    }

    @Override
    public boolean mayWait() {
      return true;
    }

    @Override
    public boolean bindsSessionsOnFirstUse() {
      return firstUse;
    }
  }
}
