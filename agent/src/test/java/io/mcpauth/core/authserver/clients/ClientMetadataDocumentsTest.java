package io.mcpauth.core.authserver.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.core.json.JsonWriter;
import io.mcpauth.core.token.TestData;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Client ID Metadata Document fetching (AS-C2..C9): the S01-S35 vectors of
 * mcpauth-vectors/ssrf-fetch-vectors.json (AS-SEC-44..46), document checks (AS-SEC-47), caching.
 *
 * <p>No connection ever leaves the machine. The S vectors run with a stub resolver that answers
 * what the vector says and a connector that records the checked address it was asked for and
 * connects to the local TLS server instead, with private addresses refused as in production. The
 * other tests resolve {@code client.example} to 127.0.0.1 and connect for real, which needs
 * {@code allowPrivateAddresses}.
 */
class ClientMetadataDocumentsTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(3); // generous: a loaded CI machine is slow at TLS handshakes
  private static final Duration CACHE_MIN = Duration.ofMinutes(1);
  private static final Duration CACHE_MAX = Duration.ofHours(1);
  private static final List<String> REDIRECTS = List.of("http://127.0.0.1/callback", "https://app.example.com/cb");

  private static TlsTestServer server;
  private static SSLSocketFactory trusting;
  private final AtomicLong clock = new AtomicLong(Long.MAX_VALUE - Duration.ofMinutes(30).toNanos()); // wraps during the tests
  private final AtomicInteger resolutions = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    server = new TlsTestServer();
    trusting = TlsTestServer.clientFactory();
  }

  @BeforeEach
  void reset() {
    server.reset();
  }

  @AfterAll
  static void stop() throws IOException {
    server.close();
  }

  // ---------------------------------------------------------------- S vectors

  /** Records every checked address it is asked to connect to, and connects to the test server instead. */
  private final class RecordingConnector implements PinnedHttpsGet.Connector {
    final List<InetSocketAddress> targets = new CopyOnWriteArrayList<>();

    @Override
    public Socket connect(InetSocketAddress address, int timeoutMillis) throws IOException {
      targets.add(address);
      return PinnedHttpsGet.DIRECT.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), timeoutMillis);
    }
  }

  /** Answers the vector's resolves_to once, then second_resolution; any other question fails the test. */
  private ClientMetadataDocuments.Resolver stubResolver(String host, List<String> first, List<String> second) {
    return name -> {
      int call = resolutions.incrementAndGet();
      if (!name.equals(host) || first == null) {
        throw new AssertionError("unexpected DNS question for " + name);
      }
      List<String> answer = call > 1 && second != null ? second : first;
      List<InetAddress> addresses = new ArrayList<>();
      for (String literal : answer) {
        addresses.add(IpLiterals.parse(literal.contains(":") ? "[" + literal + "]" : literal));
      }
      return addresses;
    };
  }

  static Stream<Arguments> ssrfVectors() {
    List<Arguments> out = new ArrayList<>();
    for (Map<String, Object> v : TestData.list(TestData.json("mcpauth-vectors/ssrf-fetch-vectors.json").get("vectors"))) {
      int n = Integer.parseInt(((String) v.get("id")).substring(1));
      String requirement = n >= 2 && n <= 7 ? "AS-SEC-44" : n >= 31 ? "AS-SEC-46" : "AS-SEC-45";
      String note = v.get("note") == null ? "" : " (" + v.get("note") + ")";
      out.add(Arguments.of(requirement + " " + v.get("id") + ": " + v.get("url") + " -> " + v.get("expect") + note, v));
    }
    assertEquals(35, out.size());
    return out.stream();
  }

  @SuppressWarnings("unchecked")
  @ParameterizedTest(name = "{0}")
  @MethodSource("ssrfVectors")
  void everySVector(String name, Map<String, Object> vector) throws Exception {
    String url = (String) vector.get("url");
    String expect = (String) vector.get("expect");
    Map<String, Object> response = (Map<String, Object>) vector.get("response");
    List<String> resolvesTo = (List<String>) vector.get("resolves_to");
    int id = Integer.parseInt(((String) vector.get("id")).substring(1));
    if (id <= 7) {
      assertEquals(!expect.equals("block"), ClientIdUrl.isMetadataDocumentUrl(url), "AS-C2 shape");
    }
    server.handler(vectorResponse(url, response));
    RecordingConnector connector = new RecordingConnector();
    String host = URI.create(url).getHost();
    // The vectors assume the draft's ~5 KB cap (S32); production's default is 16384 (maxBytesDefault test).
    ClientMetadataDocuments documents = new ClientMetadataDocuments(TIMEOUT, 5120, false, TrustedHosts.ANY, CACHE_MIN, CACHE_MAX,
        stubResolver(host, resolvesTo, (List<String>) vector.get("second_resolution")), new PinnedHttpsGet(() -> trusting, connector),
        clock::get);

    if (expect.startsWith("allow")) {
      ClientMetadata metadata = documents.fetch(url);
      assertEquals(REDIRECTS, metadata.redirectUris());
      assertEquals(1, resolutions.get(), "resolved exactly once");
      assertEquals(List.of(new InetSocketAddress(IpLiterals.parse(resolvesTo.get(0)), 443)), connector.targets,
          "connected to the address that was checked (pinned)");
      assertTrue(server.requests().get(0).contains("\r\nHost: " + host + "\r\n"), server.requests().get(0));
      return;
    }
    long started = System.nanoTime();
    ClientMetadataException refused = assertThrows(ClientMetadataException.class, () -> documents.fetch(url));
    assertEquals("invalid_client", refused.error(), refused.description());
    if (response == null) {
      assertEquals(List.of(), connector.targets, "refused before any connection: " + refused.description());
      if (resolvesTo == null) {
        assertEquals(0, resolutions.get(), "an IP literal is never sent to DNS");
      }
      return;
    }
    assertEquals(1, connector.targets.size());
    assertEquals(1, server.requests().size(), "no redirect followed, no retry");
    if (response.containsKey("drip")) {
      assertTrue(refused.description().contains("took longer than"), refused.description());
      assertTrue(System.nanoTime() - started < TIMEOUT.plusMillis(1500).toNanos(), "the overall deadline cut the drip off");
      return;
    }
    // AS-SEC-46: errors are not cached; the next attempt fetches again.
    assertThrows(ClientMetadataException.class, () -> documents.fetch(url));
    assertEquals(2, connector.targets.size(), "not cached: " + refused.description());
  }

  private static TlsTestServer.Handler vectorResponse(String url, Map<String, Object> response) {
    if (response == null) {
      return respond(TlsTestServer.response(200, document(url)));
    }
    int status = ((Number) response.get("status")).intValue();
    if (response.containsKey("location")) {
      return respond(TlsTestServer.response(status, "", "Location: " + response.get("location")));
    }
    if (response.containsKey("body_bytes")) {
      return respond(TlsTestServer.response(status, padded(document(url), ((Number) response.get("body_bytes")).intValue())));
    }
    if (response.containsKey("drip")) {
      return drip(1000);
    }
    if (response.containsKey("client_id_in_doc")) {
      return respond(TlsTestServer.response(status, document((String) response.get("client_id_in_doc"))));
    }
    return respond(TlsTestServer.response(status, "{\"error\":\"not found\"}"));
  }

  // ---------------------------------------------------------------- helpers

  private static final String HOST = "client.example";

  private String url(String path) {
    return "https://" + HOST + ":" + server.port() + path;
  }

  private String url() {
    return url("/client.json");
  }

  /** A fetcher that resolves client.example to 127.0.0.1 and may connect there (allowPrivateAddresses). */
  private ClientMetadataDocuments documents(int maxBytes) {
    return documents(maxBytes, TIMEOUT, TrustedHosts.ANY, host -> {
      resolutions.incrementAndGet();
      if (!host.equals(HOST) && !host.equals("other.example")) {
        throw new UnknownHostException(host);
      }
      return List.of(InetAddress.getLoopbackAddress());
    });
  }

  private ClientMetadataDocuments documents() {
    return documents(16384);
  }

  private ClientMetadataDocuments documents(int maxBytes, Duration timeout, TrustedHosts trusted, ClientMetadataDocuments.Resolver resolver) {
    return new ClientMetadataDocuments(timeout, maxBytes, true, trusted, CACHE_MIN, CACHE_MAX, resolver, trusting, clock::get);
  }

  static String document(String clientId, Object... members) {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("client_id", clientId);
    document.put("client_name", "Example MCP Client");
    document.put("redirect_uris", REDIRECTS);
    for (int i = 0; i < members.length; i += 2) {
      if (members[i + 1] == null) {
        document.remove((String) members[i]);
      } else {
        document.put((String) members[i], members[i + 1]);
      }
    }
    return JsonWriter.write(document);
  }

  /** {@code json} grown to exactly {@code bytes} bytes with a padding member; still a valid document. */
  static String padded(String json, int bytes) {
    String prefix = json.substring(0, json.length() - 1) + ",\"padding\":\"";
    return prefix + "x".repeat(bytes - prefix.length() - 2) + "\"}";
  }

  private static TlsTestServer.Handler respond(String raw) {
    return (request, out) -> out.write(raw.getBytes(StandardCharsets.UTF_8));
  }

  private static TlsTestServer.Handler drip(long millisPerByte) {
    return (request, out) -> {
      out.write("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      for (int i = 0; i < 60; i++) {
        out.write('{');
        out.flush();
        Thread.sleep(millisPerByte);
      }
    };
  }

  private ClientMetadataException refused(ClientMetadataDocuments documents, String url) {
    ClientMetadataException e = assertThrows(ClientMetadataException.class, () -> documents.fetch(url));
    assertEquals("invalid_client", e.error(), e.description());
    assertTrue(e.description().chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '"' && c != '\\'),
        "a valid error_description: " + e.description());
    return e;
  }

  private ClientMetadataException refusedWith(String body) {
    server.handler(respond(body));
    return refused(documents(), url());
  }

  // ---------------------------------------------------------------- transport

  @DisplayName("AS-C3: a document with Content-Length is fetched: GET, Host = authority, Accept json, Connection close")
  @Test
  void fetchesWithContentLength() throws Exception {
    server.handler(respond(TlsTestServer.response(200, document(url("/client.json?v=1")))));
    ClientMetadata metadata = documents().fetch(url("/client.json?v=1"));
    assertEquals("Example MCP Client", metadata.clientName());
    assertEquals("none", metadata.tokenEndpointAuthMethod());
    assertEquals(List.of("authorization_code"), metadata.grantTypes());
    assertEquals(List.of("code"), metadata.responseTypes());
    assertEquals("native", metadata.applicationType());
    String request = server.requests().get(0);
    assertTrue(request.startsWith("GET /client.json?v=1 HTTP/1.1\r\n"), request);
    assertTrue(request.contains("\r\nHost: " + HOST + ":" + server.port() + "\r\n"), request);
    assertTrue(request.contains("\r\nAccept: application/json\r\n"), request);
    assertTrue(request.contains("\r\nConnection: close\r\n"), request);
  }

  @DisplayName("AS-C3: a chunked document (extensions, trailer) and one delimited by the end of the connection")
  @Test
  void fetchesChunkedAndUntilClose() throws Exception {
    String body = document(url());
    String chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + Integer.toHexString(10) + ";ext=1\r\n" + body.substring(0, 10) + "\r\n"
        + Integer.toHexString(body.length() - 10).toUpperCase() + "\r\n" + body.substring(10) + "\r\n"
        + "0\r\nX-Trailer: 1\r\n\r\n";
    server.handler(respond(chunked));
    assertEquals(REDIRECTS, documents().fetch(url()).redirectUris());

    server.handler(respond("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + body));
    assertEquals(REDIRECTS, documents().fetch(url()).redirectUris());
  }

  @DisplayName("AS-SEC-46: a body over the cap is refused: declared, chunked, or delimited by close")
  @Test
  void oversizeRefused() {
    String big = padded(document(url()), 6000);
    ClientMetadataDocuments capped = documents(5120);
    server.handler(respond(TlsTestServer.response(200, big)));
    assertTrue(refused(capped, url()).description().contains("larger than 5120 bytes"));

    server.handler(respond("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + Integer.toHexString(3000) + "\r\n" + big.substring(0, 3000) + "\r\n"
        + Integer.toHexString(3000) + "\r\n" + big.substring(3000) + "\r\n0\r\n\r\n"));
    assertTrue(refused(capped, url()).description().contains("larger than 5120 bytes"));

    server.handler(respond("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + big));
    assertTrue(refused(capped, url()).description().contains("larger than 5120 bytes"));

    // A huge declared length is refused before reading: the server need not send it.
    server.handler(respond("HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n{"));
    assertTrue(refused(capped, url()).description().contains("larger than 5120 bytes"));
  }

  @DisplayName("AS-C3: the default 16384-byte cap takes a 6000-byte document (a 5 KB cap broke claude.ai's) and refuses 16385")
  @Test
  void maxBytesDefault() throws Exception {
    server.handler(respond(TlsTestServer.response(200, padded(document(url()), 6000))));
    assertEquals(REDIRECTS, documents(16384).fetch(url()).redirectUris());
    server.handler(respond(TlsTestServer.response(200, padded(document(url()), 16384))));
    assertEquals(REDIRECTS, documents(16384).fetch(url()).redirectUris());
    server.handler(respond("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + padded(document(url()), 16385)));
    refused(documents(16384), url());
  }

  @DisplayName("AS-SEC-46: a slow server hits the overall deadline (drip, silence, no TLS handshake)")
  @Test
  void deadline() throws Exception {
    Duration timeout = Duration.ofMillis(800);
    ClientMetadataDocuments documents = documents(16384, timeout, TrustedHosts.ANY, host -> List.of(InetAddress.getLoopbackAddress()));

    server.handler(drip(200)); // each read succeeds within any read timeout; only the total deadline stops it
    long started = System.nanoTime();
    assertTrue(refused(documents, url()).description().contains("took longer than 800 ms"));
    assertTrue(System.nanoTime() - started < Duration.ofMillis(2500).toNanos());

    server.handler((request, out) -> Thread.sleep(5000));
    started = System.nanoTime();
    assertTrue(refused(documents, url()).description().contains("took longer than 800 ms"));
    assertTrue(System.nanoTime() - started < Duration.ofMillis(2500).toNanos());

    try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      started = System.nanoTime();
      ClientMetadataException e = refused(documents, "https://" + HOST + ":" + silent.getLocalPort() + "/client.json");
      assertTrue(e.description().contains("took longer than 800 ms"), e.description());
      assertTrue(System.nanoTime() - started < Duration.ofMillis(2500).toNanos());
    }
  }

  @DisplayName("AS-SEC-46: status 200 only; a redirect is refused and its Location never contacted")
  @ParameterizedTest(name = "HTTP {0}")
  @ValueSource(ints = {201, 203, 204, 301, 302, 303, 307, 308, 304, 400, 401, 403, 404, 410, 429, 500, 502, 503})
  void onlyStatus200(int status) {
    server.handler(respond(TlsTestServer.response(status, status == 204 || status == 304 ? "" : document(url()),
        "Location: " + url("/elsewhere.json"))));
    ClientMetadataException e = refused(documents(), url());
    assertTrue(e.description().contains(status >= 300 && status < 400 ? "redirect" : "HTTP " + status), e.description());
    assertEquals(1, server.requests().size(), "one request, no redirect followed");
  }

  static Stream<Arguments> malformedResponses() {
    return Stream.of(
        Arguments.of("Content-Length with Transfer-Encoding", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        Arguments.of("differing Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\nContent-Length: 11\r\n\r\n{}"),
        Arguments.of("coding other than chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"),
        Arguments.of("folded field", "HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\nContent-Length: 2\r\n\r\n{}"),
        Arguments.of("truncated body", "HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{\"client_id\":"),
        Arguments.of("bad chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
        Arguments.of("HTTP/2 status line", "HTTP/2 200\r\n\r\n{}"),
        Arguments.of("four-digit status", "HTTP/1.1 2000 OK\r\n\r\n{}"),
        Arguments.of("no HTTP at all", "garbage"),
        Arguments.of("closed without a response", ""));
  }

  @DisplayName("malformed or ambiguous responses are refused")
  @ParameterizedTest(name = "{0}")
  @MethodSource
  void malformedResponses(String label, String raw) {
    server.handler(respond(raw));
    refused(documents(), url());
  }

  @DisplayName("AS-C8: TLS verifies the URL's host name against the certificate, though the address is pinned")
  @Test
  void hostNameVerified() {
    server.handler(respond(TlsTestServer.response(200, document(url()))));
    String other = "https://other.example:" + server.port() + "/client.json";
    ClientMetadataException e = refused(documents(), other);
    assertTrue(e.description().contains("TLS"), e.description());
    assertEquals(0, server.requests().size(), "no request was sent");
  }

  @DisplayName("AS-C8 / S30: DNS rebinding: one resolution per fetch; its checked address is the one connected to")
  @Test
  void dnsRebinding() throws Exception {
    server.handler(respond(TlsTestServer.response(200, document(url()))));
    AtomicInteger calls = new AtomicInteger();
    ClientMetadataDocuments documents = documents(16384, TIMEOUT, TrustedHosts.ANY, host -> {
      // First answer: loopback (allowed here); any later answer would point at an unroutable address.
      return calls.incrementAndGet() == 1 ? List.of(InetAddress.getLoopbackAddress()) : List.of(InetAddress.getByName("192.0.2.1"));
    });
    assertEquals(REDIRECTS, documents.fetch(url()).redirectUris());
    assertEquals(1, calls.get());
  }

  @DisplayName("AS-C8 / S29: one special-use address in the answer refuses the host; an unresolvable host is refused")
  @Test
  void everyAddressChecked() throws Exception {
    ClientMetadataDocuments production = new ClientMetadataDocuments(TIMEOUT, 16384, false, TrustedHosts.ANY, CACHE_MIN, CACHE_MAX,
        host -> List.of(InetAddress.getByName("93.184.216.34"), InetAddress.getByName("169.254.169.254")), trusting, clock::get);
    assertTrue(refused(production, url()).description().contains("special-use address"));
    assertTrue(refused(documents(), "https://unknown.example/client.json").description().contains("does not resolve"));
    ClientMetadataDocuments empty = documents(16384, TIMEOUT, TrustedHosts.ANY, host -> List.of());
    assertTrue(refused(empty, url()).description().contains("does not resolve"));
    assertEquals(0, server.connections());
  }

  @DisplayName("AS-C9: a host outside the trusted-hosts policy is refused before DNS")
  @Test
  void trustedHosts() throws Exception {
    server.handler(respond(TlsTestServer.response(200, document(url()))));
    ClientMetadataDocuments onlyClaude = documents(16384, TIMEOUT, TrustedHosts.parse("claude.ai, *.claude.ai"), host -> {
      throw new AssertionError("resolved " + host);
    });
    assertTrue(refused(onlyClaude, url()).description().contains("not trusted"));
    ClientMetadataDocuments trusted = documents(16384, TIMEOUT, TrustedHosts.parse("*.example, " + HOST),
        host -> List.of(InetAddress.getLoopbackAddress()));
    assertEquals(REDIRECTS, trusted.fetch(url()).redirectUris());
  }

  // ---------------------------------------------------------------- document checks

  @DisplayName("AS-SEC-47 / S34: the document's client_id must equal the URL exactly")
  @Test
  void clientIdMismatch() {
    assertTrue(refusedWith(TlsTestServer.response(200, document(url("/other.json")))).description().contains("client_id"));
    refusedWith(TlsTestServer.response(200, document(url() + "/")));
    refusedWith(TlsTestServer.response(200, document(url().replace("client.example", "CLIENT.example"))));
    refusedWith(TlsTestServer.response(200, document(null)));
    refusedWith(TlsTestServer.response(200, document(url(), "client_id", List.of(url()))));
  }

  @DisplayName("AS-C4: client_name and redirect_uris are required; each redirect URI must be acceptable")
  @Test
  void requiredMembers() {
    assertTrue(refusedWith(TlsTestServer.response(200, document(url(), "client_name", null))).description().contains("client_name"));
    refusedWith(TlsTestServer.response(200, document(url(), "client_name", "   ")));
    assertTrue(refusedWith(TlsTestServer.response(200, document(url(), "redirect_uris", null))).description().contains("redirect_uris"));
    refusedWith(TlsTestServer.response(200, document(url(), "redirect_uris", List.of())));
    refusedWith(TlsTestServer.response(200, document(url(), "redirect_uris", "https://app.example.com/cb")));
    refusedWith(TlsTestServer.response(200, document(url(), "redirect_uris", List.of("https://app.example.com/cb", "javascript:alert(1)"))));
    refusedWith(TlsTestServer.response(200, document(url(), "redirect_uris", List.of("http://app.example.com/cb"))));
  }

  @DisplayName("AS-C6 / AS-SEC-47: no client_secret, no shared-secret method; private_key_jwt not supported yet")
  @Test
  void noSharedSecrets() throws Exception {
    refusedWith(TlsTestServer.response(200, document(url(), "client_secret", "s3cret")));
    for (String method : List.of("client_secret_basic", "client_secret_post", "client_secret_jwt", "tls_client_auth")) {
      assertTrue(refusedWith(TlsTestServer.response(200, document(url(), "token_endpoint_auth_method", method)))
          .description().contains("must be none"), method);
    }
    ClientMetadataException jwt = refusedWith(TlsTestServer.response(200, document(url(), "token_endpoint_auth_method", "private_key_jwt",
        "jwks_uri", "https://client.example/jwks.json")));
    assertTrue(jwt.description().contains("private_key_jwt is not supported"), jwt.description());
    server.handler(respond(TlsTestServer.response(200, document(url(), "token_endpoint_auth_method", "none"))));
    assertTrue(documents().fetch(url()).isPublic());
  }

  @DisplayName("AS-C4: the document must be one strict JSON object in UTF-8")
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"not json", "[]", "{\"client_id\":1,}", "{\"a\":1,\"a\":2}", "{} {}", "\"string\""})
  void strictJson(String body) {
    refusedWith(TlsTestServer.response(200, body));
  }

  @Test
  void notUtf8() {
    server.handler((request, out) -> {
      byte[] json = document(url(), "client_name", "X").getBytes(StandardCharsets.UTF_8);
      String head = "HTTP/1.1 200 OK\r\nContent-Length: " + (json.length + 1) + "\r\n\r\n";
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(json, 0, json.length - 1);
      out.write(0xff);
      out.write('}');
    });
    assertTrue(refused(documents(), url()).description().contains("UTF-8"));
  }

  @DisplayName("grant types: authorization_code required, refresh_token kept, others left out; response_types must hold code")
  @Test
  void grantTypes() throws Exception {
    refusedWith(TlsTestServer.response(200, document(url(), "grant_types", List.of("client_credentials"))));
    refusedWith(TlsTestServer.response(200, document(url(), "response_types", List.of("token"))));
    server.handler(respond(TlsTestServer.response(200, document(url(),
        "grant_types", List.of("authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code")))));
    assertEquals(List.of("authorization_code", "refresh_token"), documents().fetch(url()).grantTypes());
  }

  @DisplayName("cosmetic members: unacceptable logo_uri/client_uri are left out; client_name is cut; scope kept")
  @Test
  void cosmeticMembers() throws Exception {
    server.handler(respond(TlsTestServer.response(200, document(url(), "client_name", "N".repeat(500),
        "logo_uri", "javascript:alert(1)", "client_uri", "https://client.example/", "scope", "mcp:tools offline_access"))));
    ClientMetadata metadata = documents().fetch(url());
    assertNull(metadata.logoUri());
    assertEquals("https://client.example/", metadata.clientUri());
    assertEquals(200, metadata.clientName().length());
    assertEquals("mcp:tools offline_access", metadata.scope());
  }

  @DisplayName("AS-C5 / AS-SEC-47: a requested redirect_uri not in the document is not allowed (loopback port may vary)")
  @Test
  void redirectNotInDocument() throws Exception {
    server.handler(respond(TlsTestServer.response(200, document(url()))));
    ClientMetadata metadata = documents().fetch(url());
    assertFalse(metadata.allowsRedirect("https://evil.example/cb"));
    assertFalse(metadata.allowsRedirect("https://app.example.com/cb/../evil"));
    assertTrue(metadata.allowsRedirect("https://app.example.com/cb"));
    assertTrue(metadata.allowsRedirect("http://127.0.0.1:61234/callback"));
    assertEquals("http://127.0.0.1:61234/callback", metadata.redirectUriFor("http://127.0.0.1:61234/callback"));
    assertNull(metadata.redirectUriFor(null), "two registered: redirect_uri required");
  }

  // ---------------------------------------------------------------- cache

  @DisplayName("AS-C7: a success is cached: no second connection until cacheMin has passed")
  @Test
  void successCached() throws Exception {
    server.handler(respond(TlsTestServer.response(200, document(url()))));
    ClientMetadataDocuments documents = documents();
    ClientMetadata first = documents.fetch(url());
    assertEquals(first, documents.fetch(url()));
    assertEquals(1, server.requests().size());
    assertEquals(1, resolutions.get());
    clock.addAndGet(CACHE_MIN.minusSeconds(1).toNanos());
    documents.fetch(url());
    assertEquals(1, server.requests().size());
    clock.addAndGet(Duration.ofSeconds(2).toNanos());
    documents.fetch(url());
    assertEquals(2, server.requests().size(), "expired: fetched again");
    assertEquals(2, resolutions.get(), "and resolved again");
  }

  @DisplayName("concurrent first requests for one document share one fetch; a new URL beyond the fetch limit is refused at once as busy")
  @Test
  void concurrentRequestsShareOneFetch() throws Exception {
    CountDownLatch answer = new CountDownLatch(1);
    server.handler((request, out) -> {
      assertTrue(answer.await(30, TimeUnit.SECONDS), "the test released the document");
      out.write(TlsTestServer.response(200, document(url())).getBytes(StandardCharsets.UTF_8));
    });
    DocumentFetches fetches = new DocumentFetches(1, 1, 2, TIMEOUT, Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable, "test-cimd-fetch");
      thread.setDaemon(true);
      return thread;
    }));
    ClientMetadataDocuments documents = new ClientMetadataDocuments(TIMEOUT, 16384, true, TrustedHosts.ANY, CACHE_MIN,
        CACHE_MAX, host -> {
          resolutions.incrementAndGet();
          return List.of(InetAddress.getLoopbackAddress());
        }, new PinnedHttpsGet(() -> trusting, PinnedHttpsGet.DIRECT), clock::get, fetches);
    ExecutorService requests = Executors.newFixedThreadPool(2);
    try {
      Future<ClientMetadata> first = requests.submit(() -> documents.fetch(url()));
      Future<ClientMetadata> second = requests.submit(() -> documents.fetch(url()));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (fetches.waiting() < 2) {
        assertTrue(System.nanoTime() < deadline, "both requests wait for the fetch");
        Thread.sleep(1);
      }
      ClientMetadataException busy = assertThrows(ClientMetadataException.class, () -> documents.fetch(url("/other.json")));
      assertEquals(ClientMetadataException.TEMPORARILY_UNAVAILABLE, busy.error(), busy.description());
      assertTrue(busy.retryAfterSeconds() >= 1);

      answer.countDown();
      assertEquals(REDIRECTS, first.get(30, TimeUnit.SECONDS).redirectUris());
      assertEquals(REDIRECTS, second.get(30, TimeUnit.SECONDS).redirectUris());
      assertEquals(1, server.requests().size(), "one fetch for both requests");
      assertEquals(1, resolutions.get());
    } finally {
      answer.countDown();
      requests.shutdownNow();
    }
  }

  @DisplayName("AS-SEC-46: an error is not cached: a fixed document works on the next attempt")
  @Test
  void errorsNotCached() throws Exception {
    server.handler(respond(TlsTestServer.response(404, "")));
    ClientMetadataDocuments documents = documents();
    refused(documents, url());
    server.handler(respond(TlsTestServer.response(200, document(url(), "client_secret", "x"))));
    refused(documents, url());
    server.handler(respond(TlsTestServer.response(200, document(url()))));
    assertEquals(REDIRECTS, documents.fetch(url()).redirectUris());
    assertEquals(3, server.requests().size());
  }

  @DisplayName("AS-C7: Cache-Control max-age decides, clamped to [cacheMin, cacheMax]")
  @ParameterizedTest(name = "Cache-Control: {0} -> kept {1} s")
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "max-age=5|60",
      "max-age=600|600",
      "public, max-age=\"900\"|900",
      "max-age=99999999|3600",
      "max-age=99999999999999999999|60",
      "max-age=-5|60",
      "no-store|60",
      "max-age=600, no-cache|60",
      "|60",
  })
  void maxAgeClamped(String cacheControl, long keptSeconds) throws Exception {
    String[] fields = cacheControl == null ? new String[0] : new String[] {"Cache-Control: " + cacheControl};
    server.handler(respond(TlsTestServer.response(200, document(url()), fields)));
    ClientMetadataDocuments documents = documents();
    documents.fetch(url());
    clock.addAndGet(Duration.ofSeconds(keptSeconds - 1).toNanos());
    documents.fetch(url());
    assertEquals(1, server.requests().size(), "still cached 1 s before expiry");
    clock.addAndGet(Duration.ofSeconds(2).toNanos());
    documents.fetch(url());
    assertEquals(2, server.requests().size(), "fetched again 1 s after expiry");
  }

  @DisplayName("AS-SEC-44: a malformed client_id is refused before cache, DNS or connection")
  @Test
  void shapeFirst() {
    ClientMetadataDocuments documents = documents();
    for (String clientId : List.of("http://client.example/c.json", "https://client.example", "https://client.example/a/../c.json",
        "https://client.example/c.json#x", "https://u:p@client.example/c.json", "client-123")) {
      refused(documents, clientId);
    }
    assertEquals(0, resolutions.get());
    assertEquals(0, server.connections());
  }

  @Test
  void cacheBoundsMustBeOrdered() {
    assertThrows(IllegalArgumentException.class, () -> new ClientMetadataDocuments(TIMEOUT, 16384, false, TrustedHosts.ANY,
        Duration.ofHours(2), Duration.ofHours(1)));
  }
}
