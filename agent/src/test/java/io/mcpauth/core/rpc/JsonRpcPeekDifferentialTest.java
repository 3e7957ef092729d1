package io.mcpauth.core.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.core.logging.AgentLog;
import io.mcpauth.core.rpc.RpcMessage.Kind;
import io.mcpauth.core.token.TestData;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The peek against the MCP Java SDK's own parser (RS-SEC-57): whenever
 * the peek accepts a body, the SDK must accept it too and dispatch the same kind, method, and
 * tool, prompt or resource. The SDK may accept more (the peek is stricter), never less.
 *
 * <p>The reference is {@code McpSchema.deserializeJsonRpcMessage} over the body decoded as the
 * SDK's servlet transports decode it, with the mapper a server gets by default
 * ({@code McpJsonDefaults.getMapper()}, Jackson 3), and again with a case-insensitive mapper such
 * as an application may configure. The target is read twice: from the parsed params map, and
 * through the request record the SDK's handler converts params into.
 */
class JsonRpcPeekDifferentialTest {

  static final McpJsonMapper DEFAULT_MAPPER = McpJsonDefaults.getMapper();
  static final McpJsonMapper CASE_INSENSITIVE_MAPPER = new JacksonMcpJsonMapper(
      JsonMapper.builder().enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES).build());

  private static final int VALID = 2_000;
  private static final int MUTATED = 6_500;

  private final JsonRpcPeek peek = new JsonRpcPeek(JsonRpcPeek.DEFAULT_MAX_BODY_BYTES);

  @BeforeAll
  static void quietSdk() {
    // McpSchema logs every request record without its name at WARN; in this test JVM the SDK's
    // slf4j finds the agent's provider on the class path, so its lines would go to AgentLog.
    AgentLog.settings("OFF", null);
  }

  @AfterAll
  static void loudAgain() {
    AgentLog.settings("INFO", null);
  }

  /** What one parser made of one body: the dispatch, or null when it refused the body. */
  record Dispatch(Kind kind, String method, Object name, Object uri) {}

  /** Per category: bodies, accepted by both, refused by the peek only, refused by both, disagreements. */
  private final Map<String, int[]> tally = new LinkedHashMap<>();
  private final List<String> disagreements = new ArrayList<>();

  @Test
  @DisplayName("RS-SEC-57: the vectors, 2,000 valid MCP messages and 6,500 mutations agree with the SDK's parser")
  void agreesWithTheSdk() {
    for (Map<String, Object> vector : TestData.list(TestData.json("mcpauth-vectors/jsonrpc-peek-vectors.json").get("vectors"))) {
      String id = (String) vector.get("id");
      compare("vectors", JsonRpcPeekVectorTest.body(id, (String) vector.get("body")));
    }
    RpcBodies bodies = new RpcBodies(20261127L);
    for (int i = 0; i < VALID; i++) {
      byte[] body = bodies.write(bodies.message(), 0.05).getBytes(StandardCharsets.UTF_8);
      assertTrue(compare("valid", body) != null, () -> "a valid message refused: " + new String(body, StandardCharsets.UTF_8));
    }
    for (int i = 0; i < MUTATED; i++) {
      int mutation = i % RpcBodies.MUTATIONS.length;
      compare(RpcBodies.MUTATIONS[mutation], bodies.mutate(mutation, bodies.message()));
    }

    StringBuilder report = new StringBuilder("category: bodies, both accept, peek refuses only, both refuse, disagree\n");
    int[] total = new int[5];
    tally.forEach((category, counts) -> {
      report.append(String.format("  %-28s %5d %5d %5d %5d %3d%n", category, counts[0], counts[1], counts[2], counts[3], counts[4]));
      for (int i = 0; i < 5; i++) {
        total[i] += counts[i];
      }
    });
    report.append(String.format("  %-28s %5d %5d %5d %5d %3d%n", "total", total[0], total[1], total[2], total[3], total[4]));
    System.out.print(report);
    disagreements.forEach(System.out::println);
    assertEquals(List.of(), disagreements, report.toString());
    assertEquals(19 + VALID + MUTATED, total[0]);
  }

  /** Runs one body through the peek and both references; returns the peek's reading, or null. */
  private RpcMessage compare(String category, byte[] body) {
    int[] counts = tally.computeIfAbsent(category, c -> new int[5]);
    counts[0]++;
    RpcMessage peeked;
    try {
      peeked = peek.peek(body, "application/json");
    } catch (PeekRejectedException e) {
      peeked = null;
    }
    Dispatch sdk = sdk(DEFAULT_MAPPER, body);
    Dispatch lenient = sdk(CASE_INSENSITIVE_MAPPER, body);
    if (peeked == null) {
      counts[sdk == null ? 3 : 2]++;
      return null;
    }
    Dispatch ours = new Dispatch(peeked.kind(), peeked.method(), peeked.name(), peeked.uri());
    if (!ours.equals(sdk) || !ours.equals(lenient)) {
      counts[4]++;
      disagreements.add(category + ": peek " + ours + ", SDK " + sdk + ", case-insensitive SDK " + lenient + " for "
          + new String(body, StandardCharsets.UTF_8));
    } else {
      counts[1]++;
    }
    return peeked;
  }

  /**
   * The SDK's reading: the body decoded as UTF-8 (HttpServletRequestUtils.readBody), parsed by
   * deserializeJsonRpcMessage; the target as the handler sees it. Null when the SDK refuses it.
   */
  static Dispatch sdk(McpJsonMapper mapper, byte[] body) {
    McpSchema.JSONRPCMessage message;
    try {
      message = McpSchema.deserializeJsonRpcMessage(mapper, new String(body, StandardCharsets.UTF_8));
    } catch (Exception e) {
      return null;
    }
    if (message instanceof McpSchema.JSONRPCResponse) {
      return new Dispatch(Kind.RESPONSE, null, null, null);
    }
    String method;
    Object params;
    Kind kind;
    if (message instanceof McpSchema.JSONRPCRequest request) {
      kind = Kind.REQUEST;
      method = request.method();
      params = request.params();
    } else {
      McpSchema.JSONRPCNotification notification = (McpSchema.JSONRPCNotification) message;
      kind = Kind.NOTIFICATION;
      method = notification.method();
      params = notification.params();
    }
    Object name = null;
    Object uri = null;
    switch (method) {
      case "tools/call" -> name = target(mapper, params, "name", McpSchema.CallToolRequest.class);
      case "prompts/get" -> name = target(mapper, params, "name", McpSchema.GetPromptRequest.class);
      case "resources/read" -> uri = target(mapper, params, "uri", McpSchema.ReadResourceRequest.class);
      case "resources/subscribe" -> uri = target(mapper, params, "uri", McpSchema.SubscribeRequest.class);
      case "resources/unsubscribe" -> uri = target(mapper, params, "uri", McpSchema.UnsubscribeRequest.class);
      default -> { }
    }
    return new Dispatch(kind, method, name, uri);
  }

  /**
   * params.name or params.uri as the SDK's handler gets it: the member of the request record it
   * converts params into (2.1.0 makes a missing or null one ""), which must be the string the
   * parsed map holds when it holds one. No params: null, nothing is dispatched. When the
   * conversion fails the handler dispatches nothing either; the parsed value is then compared.
   */
  private static Object target(McpJsonMapper mapper, Object params, String member, Class<?> record) {
    Object parsed = params == null ? null : params instanceof Map<?, ?> map ? map.get(member) : "<params not an object>";
    Object converted;
    try {
      Object request = mapper.convertValue(params, record);
      converted = request == null ? null : record.getMethod(member).invoke(request);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    } catch (RuntimeException e) {
      return parsed;
    }
    boolean consistent = parsed instanceof String ? parsed.equals(converted) : parsed == null;
    return consistent ? converted : "<map " + parsed + " but record " + converted + ">";
  }
}
