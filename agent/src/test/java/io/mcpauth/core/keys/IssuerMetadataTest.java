package io.mcpauth.core.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Discovery of the issuer's jwks_uri over real HTTP: RFC 8414 first, then OpenID discovery, both strict. */
class IssuerMetadataTest {

  private HttpServer server;
  private volatile String oauthMetadata;
  private volatile String openIdConfiguration;
  private final HttpFetcher fetcher = new HttpFetcher(Duration.ofMillis(800), 64 * 1024);

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/.well-known/oauth-authorization-server/tenant", exchange -> respond(exchange, oauthMetadata));
    server.createContext("/tenant/.well-known/openid-configuration", exchange -> respond(exchange, openIdConfiguration));
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private URI issuer() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/tenant");
  }

  private String metadata(String issuer, String jwksUri) {
    return "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + jwksUri + "\",\"token_endpoint\":\"x\",\"n\":[1,2.5,{}]}";
  }

  @Test
  @DisplayName("the RFC 8414 document at the path-inserted well-known URL gives the jwks_uri")
  void oauthMetadata() throws IOException {
    oauthMetadata = metadata(issuer().toString(), issuer() + "/jwks");
    assertEquals(URI.create(issuer() + "/jwks"), IssuerMetadata.discoverJwksUri(issuer(), fetcher));
  }

  @Test
  @DisplayName("OpenID discovery is tried when the RFC 8414 document is unusable")
  void openIdFallback() throws IOException {
    oauthMetadata = "not json";
    openIdConfiguration = metadata(issuer().toString(), issuer() + "/certs");
    assertEquals(URI.create(issuer() + "/certs"), IssuerMetadata.discoverJwksUri(issuer(), fetcher));
  }

  @Test
  @DisplayName("an issuer with a trailing slash (Auth0's form) finds its documents and must be named exactly so")
  void issuerWithTrailingSlash() throws IOException {
    URI slashed = URI.create(issuer() + "/");
    openIdConfiguration = metadata(slashed.toString(), issuer() + "/certs");
    assertEquals(URI.create(issuer() + "/certs"), IssuerMetadata.discoverJwksUri(slashed, fetcher));
    openIdConfiguration = metadata(issuer().toString(), issuer() + "/certs");
    assertThrows(IOException.class, () -> IssuerMetadata.discoverJwksUri(slashed, fetcher));
    URI root = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    assertEquals("http://127.0.0.1:" + server.getAddress().getPort() + "/.well-known/openid-configuration",
        IssuerMetadata.openIdConfigurationUrl(root).toString());
    assertEquals("http://127.0.0.1:" + server.getAddress().getPort() + "/.well-known/oauth-authorization-server",
        IssuerMetadata.oauthMetadataUrl(root).toString());
  }

  @Test
  @DisplayName("a document that is not one strict JSON object, names another issuer, or lacks jwks_uri is refused")
  void unusableDocuments() {
    String jwks = issuer() + "/jwks";
    for (String document : new String[] {
        "not json",
        "[" + metadata(issuer().toString(), jwks) + "]",
        metadata(issuer().toString(), jwks) + " trailing",
        "{\"issuer\":\"" + issuer() + "\",\"issuer\":\"" + issuer() + "\",\"jwks_uri\":\"" + jwks + "\"}",
        metadata(issuer() + "/", jwks),
        metadata("http://127.0.0.1:1/tenant", jwks),
        "{\"issuer\":\"" + issuer() + "\",\"jwks_uri\":7}"}) {
      oauthMetadata = document;
      openIdConfiguration = document;
      IOException e = assertThrows(IOException.class, () -> IssuerMetadata.discoverJwksUri(issuer(), fetcher), document);
      assertTrue(e.getMessage().startsWith("no usable metadata for issuer " + issuer()), e.getMessage());
    }
  }

  @Test
  @DisplayName("a jwks_uri that is neither https nor, for a plain-http loopback issuer, http is refused")
  void jwksUriScheme() {
    oauthMetadata = metadata(issuer().toString(), "ftp://127.0.0.1/jwks");
    openIdConfiguration = oauthMetadata;
    assertThrows(IOException.class, () -> IssuerMetadata.discoverJwksUri(issuer(), fetcher));
  }

  private static void respond(com.sun.net.httpserver.HttpExchange exchange, String body) throws IOException {
    if (body == null) {
      exchange.sendResponseHeaders(404, -1);
      exchange.close();
      return;
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
