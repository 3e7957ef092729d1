package io.mcpauth.core.authserver.enterprise;

import io.mcpauth.core.config.UpstreamConfig;
import io.mcpauth.core.json.StrictJson;
import io.mcpauth.core.keys.HttpFetcher;
import io.mcpauth.core.keys.JwksKeySource;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * The upstream OpenID Provider as the sign-in flow uses it: its discovery document (OpenID Connect
 * Discovery §4, {@code issuer} equal to the configured one exactly), the authorization request we
 * send the browser with, and the two token-endpoint calls, code redemption and refresh. Our client
 * authenticates with HTTP Basic when it has a secret; a public client sends only its id and relies
 * on PKCE. What comes back is never logged.
 */
public final class UpstreamProvider {

  /** What discovery found; {@code issParameter} when the provider sends RFC 9207 {@code iss}. */
  public record Endpoints(URI authorization, URI token, boolean issParameter, IdTokenVerifier idTokens) {}

  /** A token response: the ID token (null when a refresh returned none) and the refresh token (null when none). */
  public record Tokens(String idToken, String refreshToken) {}

  /** After a failed discovery, further attempts fail at once for this long instead of each waiting on the network. */
  private static final long RETRY_NANOS = Duration.ofSeconds(5).toNanos();
  private static final long REDISCOVER_NANOS = Duration.ofHours(1).toNanos();

  private final UpstreamConfig config;
  private final String redirectUri;
  private final Set<String> algorithms;
  private final Duration clockSkew;
  private final int maxLength;
  private final HttpFetcher fetcher;
  private final Executor background;
  private final Duration keyRefresh;
  private final Duration keyMinRefetch;
  private final Duration timeout;
  private final Clock clock;

  private Endpoints endpoints;
  private URI jwksUri;
  private JwksKeySource keys;
  private long discoveredAt;
  private long failedAt;
  private boolean failed;

  public UpstreamProvider(UpstreamConfig config, String redirectUri, Set<String> algorithms, Duration clockSkew,
      int maxLength, HttpFetcher fetcher, Executor background, Duration keyRefresh, Duration keyMinRefetch,
      Duration timeout, Clock clock) {
    this.config = config;
    this.redirectUri = redirectUri;
    this.algorithms = algorithms;
    this.clockSkew = clockSkew;
    this.maxLength = maxLength;
    this.fetcher = fetcher;
    this.background = background;
    this.keyRefresh = keyRefresh;
    this.keyMinRefetch = keyMinRefetch;
    this.timeout = timeout;
    this.clock = clock;
  }

  public UpstreamConfig config() {
    return config;
  }

  /** The provider's endpoints, discovered once and again every hour; the last good ones stay when that fails. */
  public synchronized Endpoints endpoints() throws IOException {
    long now = System.nanoTime();
    if (endpoints != null && now - discoveredAt < REDISCOVER_NANOS || failed && now - failedAt < RETRY_NANOS) {
      if (endpoints == null) {
        throw new IOException("the upstream provider " + config.issuer() + " could not be reached moments ago");
      }
      return endpoints;
    }
    try {
      endpoints = discover();
      discoveredAt = now;
      failed = false;
      return endpoints;
    } catch (IOException e) {
      failed = true;
      failedAt = now;
      if (endpoints != null) {
        return endpoints;
      }
      throw e;
    }
  }

  /** The authorization request that sends the browser to the provider. */
  public URI authorizationUrl(Endpoints endpoints, String state, String nonce, String codeChallenge) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("response_type", "code");
    query.put("client_id", config.clientId());
    query.put("redirect_uri", redirectUri);
    query.put("scope", String.join(" ", config.scopes()));
    query.put("state", state);
    query.put("nonce", nonce);
    query.put("code_challenge", codeChallenge);
    query.put("code_challenge_method", "S256");
    String base = endpoints.authorization().toString();
    StringBuilder url = new StringBuilder(base).append(base.contains("?") ? '&' : '?').append(form(query));
    if (!config.authorizationParameters().isEmpty()) {
      url.append('&').append(config.authorizationParameters());
    }
    return URI.create(url.toString());
  }

  /** Redeems the authorization code with our PKCE verifier. */
  public Tokens redeem(Endpoints endpoints, String code, String codeVerifier) throws IOException {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("grant_type", "authorization_code");
    body.put("code", code);
    body.put("redirect_uri", redirectUri);
    body.put("code_verifier", codeVerifier);
    Tokens tokens = post(endpoints, body);
    if (tokens.idToken() == null) {
      throw new IOException("the upstream token response has no id_token");
    }
    return tokens;
  }

  /**
   * Uses the refresh token. A {@link HttpFetcher.StatusException} with a 4xx status means the
   * provider refused it (the user is disabled, removed or signed out there); anything else means
   * the provider could not be asked.
   */
  public Tokens refresh(String refreshToken) throws IOException {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("grant_type", "refresh_token");
    body.put("refresh_token", refreshToken);
    return post(endpoints(), body);
  }

  private Tokens post(Endpoints endpoints, Map<String, String> body) throws IOException {
    String authorization = null;
    if (config.clientSecret() == null) {
      body.put("client_id", config.clientId());
    } else {
      // RFC 6749 §2.3.1: both parts form-encoded before base64.
      String pair = URLEncoder.encode(config.clientId(), StandardCharsets.UTF_8) + ":"
          + URLEncoder.encode(config.clientSecret(), StandardCharsets.UTF_8);
      authorization = "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.US_ASCII));
    }
    String json = fetcher.postForm(endpoints.token(), form(body), authorization);
    Map<String, Object> response;
    try {
      response = StrictJson.parseObject(json, "token response");
    } catch (StrictJson.MalformedJsonException e) {
      throw new IOException("the upstream token response is not a JSON object");
    }
    Object idToken = response.get("id_token");
    Object refreshToken = response.get("refresh_token");
    if (idToken != null && !(idToken instanceof String) || refreshToken != null && !(refreshToken instanceof String)) {
      throw new IOException("the upstream token response has a non-string token");
    }
    return new Tokens((String) idToken, (String) refreshToken);
  }

  private Endpoints discover() throws IOException {
    URI issuer = config.issuer();
    String path = issuer.getRawPath() == null ? "" : issuer.getRawPath();
    URI url = URI.create(issuer.getScheme() + "://" + issuer.getRawAuthority()
        + (path.endsWith("/") ? path.substring(0, path.length() - 1) : path) + "/.well-known/openid-configuration");
    Map<String, Object> metadata;
    try {
      metadata = StrictJson.parseObject(fetcher.get(url), "metadata");
    } catch (StrictJson.MalformedJsonException e) {
      throw new IOException("the upstream discovery document is not a JSON object");
    }
    if (!issuer.toString().equals(metadata.get("issuer"))) {
      throw new IOException("the upstream discovery document's issuer is not " + issuer);
    }
    URI authorization = endpoint(metadata, "authorization_endpoint");
    URI token = endpoint(metadata, "token_endpoint");
    URI jwks = endpoint(metadata, "jwks_uri");
    if (keys == null || !jwks.equals(jwksUri)) {
      keys = new JwksKeySource(issuer, jwks, fetcher, background, System::nanoTime, keyRefresh, keyMinRefetch, timeout);
      jwksUri = jwks;
      keys.prefetch();
    }
    Set<String> allowed = new LinkedHashSet<>(algorithms);
    if (metadata.get("id_token_signing_alg_values_supported") instanceof List<?> advertised) {
      allowed.retainAll(advertised);
    }
    if (allowed.isEmpty()) {
      throw new IOException("the upstream provider signs ID tokens with no algorithm mcpauth.algorithms allows");
    }
    boolean issParameter = Boolean.TRUE.equals(metadata.get("authorization_response_iss_parameter_supported"));
    return new Endpoints(authorization, token, issParameter,
        new IdTokenVerifier(issuer.toString(), config.clientId(), Set.copyOf(allowed), clockSkew, maxLength, keys, clock));
  }

  /** An endpoint of the discovery document: https, or http only when the issuer itself is http (a loopback test). */
  private URI endpoint(Map<String, Object> metadata, String name) throws IOException {
    if (!(metadata.get(name) instanceof String value)) {
      throw new IOException("the upstream discovery document has no " + name);
    }
    URI uri;
    try {
      uri = new URI(value);
    } catch (java.net.URISyntaxException e) {
      throw new IOException("the upstream discovery document's " + name + " is not a URI");
    }
    String scheme = uri.getScheme();
    if (uri.getHost() == null || !"https".equals(scheme)
        && !("http".equals(scheme) && "http".equals(config.issuer().getScheme()))) {
      throw new IOException("the upstream discovery document's " + name + " must be an https URL");
    }
    return uri;
  }

  private static String form(Map<String, String> parameters) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, String> parameter : parameters.entrySet()) {
      if (out.length() > 0) {
        out.append('&');
      }
      out.append(URLEncoder.encode(parameter.getKey(), StandardCharsets.UTF_8)).append('=')
          .append(URLEncoder.encode(parameter.getValue(), StandardCharsets.UTF_8));
    }
    return out.toString();
  }
}
