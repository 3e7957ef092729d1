package io.mcpauth.bench.harness;

import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.server.transport.HttpServletStatelessServerTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.JsonSchema;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.jose4j.json.JsonUtil;

/**
 * The peer of the harness: what a team would write without mcpauth. The same Jetty 12 + MCP Java
 * SDK stateless server as the servlet-jetty fixture (same tools, same servlet mapping), behind a
 * hand-written servlet filter that verifies the bearer JWT with jose4j on every request (no cache).
 * Uses no mcpauth class.
 *
 * <pre>java -cp harness-tools.jar io.mcpauth.bench.harness.PeerMcpServer --port N --issuer URL --resource URL [--jwks-uri URL]</pre>
 *
 * Prints {@code MCP server listening on http://127.0.0.1:N/mcp} once it serves, as the fixture does.
 */
public final class PeerMcpServer {

  private PeerMcpServer() {
  }

  public static void main(String[] args) throws Exception {
    int port = 0;
    String issuer = null;
    String resource = null;
    String jwksUri = null;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[i + 1]);
        case "--issuer" -> issuer = args[i + 1];
        case "--resource" -> resource = args[i + 1];
        case "--jwks-uri" -> jwksUri = args[i + 1];
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (issuer == null || resource == null) {
      System.err.println("usage: PeerMcpServer --port N --issuer URL --resource URL [--jwks-uri URL]");
      System.exit(2);
    }
    if (jwksUri == null) {
      jwksUri = discoverJwksUri(issuer);
    }

    var transport = HttpServletStatelessServerTransport.builder().messageEndpoint("/mcp").build();
    McpServer.sync(transport).serverInfo("mcpauth-fixture", "1.0")
        .capabilities(ServerCapabilities.builder().tools(false).build())
        .tools(tools()).build();

    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    // The same Jetty setting as the fixture's, so that --jetty-header-cache applies to every variant.
    String headerCacheSize = System.getProperty("jetty.httpConfig.headerCacheSize");
    if (headerCacheSize != null) {
      connector.getConnectionFactory(HttpConnectionFactory.class).getHttpConfiguration()
          .setHeaderCacheSize(Integer.parseInt(headerCacheSize));
    }
    server.addConnector(connector);

    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    FilterHolder filter = new FilterHolder(new Jose4jBearerFilter(issuer, resource, jwksUri));
    filter.setAsyncSupported(true);
    context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
    ServletHolder holder = new ServletHolder(transport);
    holder.setAsyncSupported(true);
    context.addServlet(holder, "/*");
    server.setHandler(context);
    server.setStopAtShutdown(true);
    server.start();
    System.out.println("MCP server listening on http://127.0.0.1:" + connector.getLocalPort() + "/mcp");
    System.out.flush();
    server.join();
  }

  private static String discoverJwksUri(String issuer) throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> response = client.send(
        HttpRequest.newBuilder(URI.create(issuer + "/.well-known/oauth-authorization-server"))
            .timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    Map<String, Object> metadata = JsonUtil.parseJson(response.body());
    if (response.statusCode() != 200 || !issuer.equals(metadata.get("issuer"))) {
      throw new IllegalStateException("bad issuer metadata from " + issuer + ": " + response.statusCode());
    }
    return (String) metadata.get("jwks_uri");
  }

  /** A bearer-token filter as a team would hand-write it with jose4j: verify, or 401. */
  static final class Jose4jBearerFilter implements Filter {

    private final JwtConsumer consumer;
    private final String challenge;

    Jose4jBearerFilter(String issuer, String resource, String jwksUri) {
      this.consumer = new JwtConsumerBuilder()
          .setVerificationKeyResolver(new HttpsJwksVerificationKeyResolver(new HttpsJwks(jwksUri)))
          .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
              AlgorithmIdentifiers.RSA_USING_SHA256, AlgorithmIdentifiers.RSA_PSS_USING_SHA256,
              AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256, AlgorithmIdentifiers.EDDSA)
          .setExpectedType(true, "at+jwt")
          .setExpectedIssuer(issuer)
          .setExpectedAudience(resource)
          .setRequireExpirationTime()
          .setMaxFutureValidityInMinutes(24 * 60)
          .setAllowedClockSkewInSeconds(60)
          .setRequireSubject()
          .build();
      this.challenge = "Bearer resource_metadata=\"" + resource + "\"";
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
        throws IOException, ServletException {
      HttpServletRequest request = (HttpServletRequest) req;
      HttpServletResponse response = (HttpServletResponse) res;
      String header = request.getHeader("Authorization");
      if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
        response.setHeader("WWW-Authenticate", challenge);
        response.sendError(401);
        return;
      }
      try {
        JwtClaims claims = consumer.processToClaims(header.substring(7).trim());
        request.setAttribute("jwt.claims", claims);
      } catch (InvalidJwtException e) {
        response.setHeader("WWW-Authenticate", challenge + ", error=\"invalid_token\"");
        response.sendError(401);
        return;
      }
      chain.doFilter(req, res);
    }
  }

  // The fixture's tools (io.mcpauth.fixtures.servlet.Tools), replicated: echo, add, whoami.

  private static List<McpStatelessServerFeatures.SyncToolSpecification> tools() {
    Tool echo = Tool.builder().name("echo").description("Returns the given text.")
        .inputSchema(objectSchema(List.of("text"), "text", "string")).build();
    Tool add = Tool.builder().name("add").description("Returns the sum of a and b.")
        .inputSchema(objectSchema(List.of("a", "b"), "a", "number", "b", "number")).build();
    Tool whoami = Tool.builder().name("whoami")
        .description("Returns the caller's identity as seen by the server, or \"anonymous\".")
        .inputSchema(objectSchema(List.of())).build();
    return List.of(
        McpStatelessServerFeatures.SyncToolSpecification.builder().tool(echo)
            .callHandler((context, request) -> {
              Object text = request.arguments() == null ? null : request.arguments().get("text");
              return text instanceof String s ? text(s, false) : text("echo: 'text' must be a string", true);
            }).build(),
        McpStatelessServerFeatures.SyncToolSpecification.builder().tool(add)
            .callHandler((context, request) -> {
              Object a = request.arguments() == null ? null : request.arguments().get("a");
              Object b = request.arguments() == null ? null : request.arguments().get("b");
              if (!(a instanceof Number x) || !(b instanceof Number y)) {
                return text("add: 'a' and 'b' must be numbers", true);
              }
              return text(new BigDecimal(x.toString()).add(new BigDecimal(y.toString()))
                  .stripTrailingZeros().toPlainString(), false);
            }).build(),
        McpStatelessServerFeatures.SyncToolSpecification.builder().tool(whoami)
            .callHandler((context, request) -> text("anonymous", false)).build());
  }

  private static CallToolResult text(String text, boolean error) {
    return CallToolResult.builder().addTextContent(text).isError(error).build();
  }

  private static JsonSchema objectSchema(List<String> required, String... typesByName) {
    Map<String, Object> properties = new LinkedHashMap<>();
    for (int i = 0; i + 1 < typesByName.length; i += 2) {
      properties.put(typesByName[i], Map.of("type", typesByName[i + 1]));
    }
    return new JsonSchema("object", properties, required, null, null, null);
  }
}
