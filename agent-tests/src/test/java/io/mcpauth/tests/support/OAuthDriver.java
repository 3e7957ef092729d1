package io.mcpauth.tests.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;

/**
 * A browser without a screen for the embedded authorization server: its own cookie jar, no
 * automatic redirects, and the login and consent forms filled in from the HTML they arrive in, as
 * a browser would submit them. Each instance is one browser profile.
 */
public final class OAuthDriver {

  /** A registered client. {@code secret} is null for a public client. */
  public record Client(String id, String secret, String redirectUri) {}

  /** An RFC 7636 verifier and its S256 challenge. */
  public record Pkce(String verifier, String challenge) {}

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern INPUT = Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");

  private final String issuer;
  private final HttpClient http = HttpClient.newBuilder()
      .cookieHandler(new CookieManager())
      .followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  public OAuthDriver(String issuer) {
    this.issuer = issuer;
  }

  public String issuer() {
    return issuer;
  }

  public static Map<String, Object> json(String text) {
    try {
      return JsonUtil.parseJson(text);
    } catch (JoseException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  public static Pkce pkce() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return new Pkce(verifier, Base64.getUrlEncoder().withoutPadding().encodeToString(digest));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public HttpResponse<String> register(String body) {
    return send(HttpRequest.newBuilder(URI.create(issuer + "/register"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** A public client (PKCE only) with one loopback redirect URI. */
  public Client registerPublic(String name) {
    String redirect = "http://127.0.0.1:" + (20000 + RANDOM.nextInt(20000)) + "/callback";
    HttpResponse<String> response = register("{\"client_name\":\"" + name + "\",\"redirect_uris\":[\"" + redirect
        + "\"],\"token_endpoint_auth_method\":\"none\",\"grant_types\":[\"authorization_code\",\"refresh_token\"]}");
    assertEquals(201, response.statusCode(), response.body());
    return new Client((String) json(response.body()).get("client_id"), null, redirect);
  }

  /** A confidential client using {@code method} (client_secret_basic or client_secret_post). */
  public Client registerConfidential(String name, String method, String grantTypes) {
    String redirect = "https://client.example/callback";
    HttpResponse<String> response = register("{\"client_name\":\"" + name + "\",\"redirect_uris\":[\"" + redirect
        + "\"],\"token_endpoint_auth_method\":\"" + method + "\",\"grant_types\":" + grantTypes + "}");
    assertEquals(201, response.statusCode(), response.body());
    Map<String, Object> registered = json(response.body());
    return new Client((String) registered.get("client_id"), (String) registered.get("client_secret"), redirect);
  }

  /** The standard authorization request of {@code client} for {@code resource}. */
  public Map<String, String> authorizationRequest(Client client, Pkce pkce, String resource, String scope) {
    Map<String, String> request = new LinkedHashMap<>();
    request.put("response_type", "code");
    request.put("client_id", client.id());
    request.put("redirect_uri", client.redirectUri());
    request.put("code_challenge", pkce.challenge());
    request.put("code_challenge_method", "S256");
    request.put("state", "state-" + RANDOM.nextInt(1_000_000));
    if (scope != null) {
      request.put("scope", scope);
    }
    if (resource != null) {
      request.put("resource", resource);
    }
    return request;
  }

  public HttpResponse<String> authorize(Map<String, String> parameters) {
    return get(issuer + "/authorize?" + encode(parameters));
  }

  public HttpResponse<String> authorizeRaw(String rawQuery) {
    return get(issuer + "/authorize?" + rawQuery);
  }

  public HttpResponse<String> get(String url) {
    return send(HttpRequest.newBuilder(URI.create(url)).GET());
  }

  /** Submits a form to a path of the issuer, as a browser does. */
  public HttpResponse<String> postForm(String path, Map<String, String> form) {
    return send(HttpRequest.newBuilder(URI.create(issuer + path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(encode(form))));
  }

  /** The hidden fields of the (one) form on a page. */
  public static Map<String, String> hiddenFields(String html) {
    Map<String, String> fields = new LinkedHashMap<>();
    Matcher matcher = INPUT.matcher(html);
    while (matcher.find()) {
      fields.put(matcher.group(1), unescape(matcher.group(2)));
    }
    return fields;
  }

  /** Fills in and submits the login form on {@code loginPage}. */
  public HttpResponse<String> login(HttpResponse<String> loginPage, String username, String password) {
    assertEquals(200, loginPage.statusCode(), loginPage.body());
    Map<String, String> form = hiddenFields(loginPage.body());
    form.put("username", username);
    form.put("password", password);
    return postForm("/login", form);
  }

  /** Follows the 303 after login to the consent page. */
  public HttpResponse<String> follow(HttpResponse<String> seeOther) {
    assertEquals(303, seeOther.statusCode(), seeOther.body());
    String location = seeOther.headers().firstValue("Location").orElseThrow();
    return get(location.startsWith("http") ? location : issuer + location);
  }

  /** Submits the consent form with {@code decision}; returns the 303 back to the client. */
  public HttpResponse<String> decide(HttpResponse<String> consentPage, String decision) {
    assertEquals(200, consentPage.statusCode(), consentPage.body());
    Map<String, String> form = hiddenFields(consentPage.body());
    form.put("decision", decision);
    return postForm("/consent", form);
  }

  /** Authorize, log in (unless this browser already is), approve: the redirect's query parameters. */
  public Map<String, String> approve(Map<String, String> request, String username, String password) {
    HttpResponse<String> page = authorize(request);
    assertEquals(200, page.statusCode(), page.body());
    HttpResponse<String> consent = page.body().contains("name=\"password\"")
        ? follow(login(page, username, password)) : page;
    HttpResponse<String> redirect = decide(consent, "approve");
    assertEquals(303, redirect.statusCode(), redirect.body());
    return query(redirect.headers().firstValue("Location").orElseThrow());
  }

  /** A code for {@code client}, through the whole browser flow. */
  public String code(Client client, Pkce pkce, String resource, String scope, String username, String password) {
    Map<String, String> redirect = approve(authorizationRequest(client, pkce, resource, scope), username, password);
    assertNotNull(redirect.get("code"), redirect.toString());
    return redirect.get("code");
  }

  public HttpResponse<String> token(Map<String, String> form, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(issuer + "/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(encode(form)));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return send(request);
  }

  /** Redeems a code as a public client. */
  public HttpResponse<String> redeem(Client client, String code, Pkce pkce, String resource) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "authorization_code");
    form.put("code", code);
    form.put("redirect_uri", client.redirectUri());
    form.put("client_id", client.id());
    form.put("code_verifier", pkce.verifier());
    if (resource != null) {
      form.put("resource", resource);
    }
    return token(form);
  }

  /** The whole flow for a public client: its token response as JSON. */
  public Map<String, Object> tokens(Client client, String resource, String scope, String username, String password) {
    Pkce pkce = pkce();
    HttpResponse<String> response = redeem(client, code(client, pkce, resource, scope, username, password), pkce, resource);
    assertEquals(200, response.statusCode(), response.body());
    return json(response.body());
  }

  public HttpResponse<String> refresh(Client client, String refreshToken) {
    return token(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken, "client_id", client.id()));
  }

  public HttpResponse<String> postTo(String path, Map<String, String> form, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(issuer + path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(encode(form)));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return send(request);
  }

  public static String basic(Client client) {
    String pair = URLEncoder.encode(client.id(), StandardCharsets.UTF_8) + ":"
        + URLEncoder.encode(client.secret(), StandardCharsets.UTF_8);
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  /** The query parameters of a URL (each once). */
  public static Map<String, String> query(String url) {
    Map<String, String> parameters = new LinkedHashMap<>();
    String query = URI.create(url).getRawQuery();
    if (query == null) {
      return parameters;
    }
    for (String pair : query.split("&")) {
      int equals = pair.indexOf('=');
      parameters.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
    }
    return parameters;
  }

  public static String encode(Map<String, String> parameters) {
    return parameters.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  private static String unescape(String html) {
    return html.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
  }

  public List<java.net.HttpCookie> cookies() {
    return ((CookieManager) http.cookieHandler().orElseThrow()).getCookieStore().getCookies();
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
