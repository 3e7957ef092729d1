package io.mcpauth.tests.support;

import java.util.List;

/**
 * Every fixture the suite runs with the shipped agent: one row of the compatibility table in
 * docs/compatibility.md each. {@code TransportMatrixTest} proves every row on every transport, and
 * {@code CompatibilityTableTest} checks that docs/compatibility.md shows exactly this table.
 */
public final class CompatibilityMatrix {

  /**
   * @param served the transports the fixture serves, of {@link #TRANSPORTS}
   * @param callerVisible whether its tools can see the caller: not on an SDK line without a
   *     transport context (MCP Java SDK 0.10.x)
   */
  public record Row(String module, String transports, String sdk, String server, List<String> served,
      boolean callerVisible) {

    Row(String module, String transports, String sdk, String server) {
      this(module, transports, sdk, server, TRANSPORTS, true);
    }
  }

  public static final List<String> TRANSPORTS = List.of("streamable", "sse", "stateless");

  public static final List<Row> ROWS = List.of(
      new Row("servlet-jetty-sdk017", "servlet", "mcp-core 0.17.2", "Jetty 12.1"),
      new Row("servlet-jetty-sdk018", "servlet", "mcp-core 0.18.4", "Jetty 12.1"),
      new Row("servlet-jetty-sdk10", "servlet", "mcp-core 1.0.2", "Jetty 12.1"),
      new Row("servlet-jetty-sdk1", "servlet", "mcp-core 1.1.5", "Jetty 12.1"),
      new Row("servlet-jetty-sdk20", "servlet", "mcp-core 2.0.1", "Jetty 12.1"),
      new Row("servlet-jetty", "servlet", "mcp-core 2.1.0", "Jetty 12.1"),
      new Row("servlet-tomcat-sdk017", "servlet", "mcp-core 0.17.2", "Tomcat 11.0 (embedded)"),
      new Row("servlet-tomcat-sdk018", "servlet", "mcp-core 0.18.4", "Tomcat 11.0 (embedded)"),
      new Row("servlet-tomcat-sdk10", "servlet", "mcp-core 1.0.2", "Tomcat 11.0 (embedded)"),
      new Row("servlet-tomcat-sdk1", "servlet", "mcp-core 1.1.5", "Tomcat 11.0 (embedded)"),
      new Row("servlet-tomcat-sdk20", "servlet", "mcp-core 2.0.1", "Tomcat 11.0 (embedded)"),
      new Row("servlet-tomcat", "servlet", "mcp-core 2.1.0", "Tomcat 11.0 (embedded)"),
      new Row("spring-webmvc-sdk018", "Spring WebMVC (io.modelcontextprotocol.sdk:mcp-spring-webmvc 0.18.3)",
          "mcp-core 0.18.3", "Spring Boot 3.5.7 fat jar, Tomcat 10.1"),
      new Row("spring-webflux-sdk018", "Spring WebFlux (io.modelcontextprotocol.sdk:mcp-spring-webflux 0.18.1)",
          "mcp-core 0.18.1", "Spring Boot 3.5.7 fat jar, Netty"),
      new Row("spring-webmvc-springai", "Spring WebMVC (org.springframework.ai:mcp-spring-webmvc 2.0.1)",
          "mcp-core 2.0.0", "Spring Boot 4.0.7 fat jar, Tomcat 11.0"),
      new Row("spring-webflux-springai", "Spring WebFlux (org.springframework.ai:mcp-spring-webflux 2.0.0)",
          "mcp-core 2.0.0", "Spring Boot 4.0.7 fat jar, Netty"),
      new Row("springai10-webmvc", "Spring AI 1.0.3 starter `spring-ai-starter-mcp-server-webmvc`, `@Tool` methods",
          "mcp 0.10.0 (tools cannot see the caller)", "Spring Boot 3.5.7 fat jar, Tomcat 10.1", List.of("sse"), false),
      new Row("springai10-webflux", "Spring AI 1.0.3 starter `spring-ai-starter-mcp-server-webflux`, `@Tool` methods",
          "mcp 0.10.0 (tools cannot see the caller)", "Spring Boot 3.5.7 fat jar, Netty", List.of("sse"), false),
      new Row("springai11-webmvc", "Spring AI 1.1.0 starter `spring-ai-starter-mcp-server-webmvc`, `@Tool` methods",
          "mcp-core 0.16.0", "Spring Boot 3.5.7 fat jar, Tomcat 10.1"),
      new Row("springai11-webflux", "Spring AI 1.1.0 starter `spring-ai-starter-mcp-server-webflux`, `@Tool` methods",
          "mcp-core 0.16.0", "Spring Boot 3.5.7 fat jar, Netty"),
      new Row("springai20-webmvc", "Spring AI 2.0.1 starter `spring-ai-starter-mcp-server-webmvc`, `@Tool` methods",
          "mcp-core 2.0.0", "Spring Boot 4.0.7 fat jar, Tomcat 11.0"));

  private CompatibilityMatrix() {}

  /** The table of docs/compatibility.md, rendered from {@link #ROWS}. */
  public static String table() {
    StringBuilder table = new StringBuilder(
        "| fixture | transport family | MCP Java SDK | server | Streamable HTTP | SSE | stateless |\n"
            + "|---|---|---|---|---|---|---|\n");
    for (Row row : ROWS) {
      table.append("| `").append(row.module()).append("` | ").append(row.transports()).append(" | ")
          .append(row.sdk()).append(" | ").append(row.server()).append(" |");
      for (String transport : TRANSPORTS) {
        table.append(row.served().contains(transport) ? " ✓ |" : " – |");
      }
      table.append("\n");
    }
    return table.toString();
  }
}
