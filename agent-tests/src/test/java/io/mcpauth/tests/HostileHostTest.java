package io.mcpauth.tests;

import static io.mcpauth.tests.support.Http.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.Http;
import io.mcpauth.tests.support.WithIdentityProvider;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A host that ships its own, different slf4j (1.7), logback (1.2, with its own logback.xml),
 * jose4j and byte-buddy: the agent works there and the host's log output is exactly what it is
 * without the agent.
 */
class HostileHostTest extends WithIdentityProvider {

  private static final String MODULE = "servlet-jetty-hostile";
  private static final String CALL = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\","
      + "\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"hi\"}}}";

  /** The same requests, in the same order, against a plain and a protected host. */
  private static List<String> hostLog(Fixture server, String... authorization) {
    assertEquals(200, Http.post(server.url(), Http.INITIALIZE, authorization).statusCode());
    assertEquals(200, Http.post(server.url(), CALL, authorization).statusCode());
    assertEquals(200, Http.post(server.url(), CALL, authorization).statusCode());
    server.awaitLog("HOSTLOG INFO Tools - tools/call echo", Duration.ofSeconds(5));
    server.close();
    return server.stderr().stream().filter(line -> line.startsWith("HOSTLOG")).toList();
  }

  @Test
  void theAgentWorksAndLeavesTheHostsLoggingUntouched() {
    List<String> plain;
    try (Fixture server = Fixture.builder().module(MODULE).transport("stateless").withoutAgent().start()) {
      plain = hostLog(server);
    }
    assertTrue(plain.contains("HOSTLOG INFO JettyMcpServer - starting hostile fixture"), plain.toString());

    Fixture.Builder builder = Fixture.builder().module(MODULE).transport("stateless");
    try (Fixture server = builder.protectedBy(idp).start()) {
      assertEquals(401, Http.post(server.url(), Http.INITIALIZE).statusCode(), "the agent protects the host");
      List<String> withAgent = hostLog(server, "Authorization", bearer(idp.token(server.resourceUri()).sign()));
      assertEquals(plain, withAgent, "the host's own log lines, with and without the agent");
      assertFalse(server.agentLog().isEmpty(), "the agent logged through its own log");
      assertTrue(server.output().lines().noneMatch(line -> line.contains("|-") || line.contains("SLF4J")), server.output());
    }
  }
}
