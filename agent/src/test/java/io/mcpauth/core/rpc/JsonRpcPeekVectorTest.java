package io.mcpauth.core.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.mcpauth.core.token.TestData;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * JSON-RPC body-peek vectors J01-J19 (mcpauth-vectors/jsonrpc-peek-vectors.json, RS-SEC-57):
 * accepted with the method the vector names, or refused with its status (400 unless stated).
 * J18 is about the Origin field, not the body: it goes through {@link OriginCheck}, and its body
 * must peek cleanly so that the 403 is the Origin's doing.
 */
class JsonRpcPeekVectorTest {

  static final String RESOURCE = "https://mcp.example.com/mcp";

  private final JsonRpcPeek peek = new JsonRpcPeek(JsonRpcPeek.DEFAULT_MAX_BODY_BYTES);

  static Stream<Arguments> vectors() {
    List<Arguments> out = new ArrayList<>();
    for (Map<String, Object> vector : TestData.list(TestData.json("mcpauth-vectors/jsonrpc-peek-vectors.json").get("vectors"))) {
      out.add(Arguments.of(vector.get("id"), vector));
    }
    assertEquals(19, out.size());
    return out.stream();
  }

  /** The vector's body as bytes, its placeholders generated. */
  static byte[] body(String id, String body) {
    switch (body) {
      case "<params nested 100000 deep: {\"a\":{\"a\":...}}>":
        return ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":"
            + "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000) + "}").getBytes(StandardCharsets.UTF_8);
      case "<4 MiB + 1 byte>":
        return paddedPing(JsonRpcPeek.DEFAULT_MAX_BODY_BYTES + 1);
      case "<bytes 0xC0 0xAF inside method string>":
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools".getBytes(StandardCharsets.US_ASCII));
        out.write(0xC0);
        out.write(0xAF);
        out.writeBytes("call\"}".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
      default:
        assertTrue(!body.startsWith("<"), id + ": unexpanded placeholder " + body);
        return body.getBytes(StandardCharsets.UTF_8);
    }
  }

  /** A valid ping of exactly {@code size} bytes, so that only its size can be held against it. */
  static byte[] paddedPing(int size) {
    String head = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"pad\":\"";
    String tail = "\"}";
    byte[] body = (head + "x".repeat(size - head.length() - tail.length()) + tail).getBytes(StandardCharsets.US_ASCII);
    assertEquals(size, body.length);
    return body;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  @DisplayName("RS-SEC-57: JSON-RPC peek vectors")
  void peekVector(String id, Map<String, Object> vector) {
    byte[] body = body(id, (String) vector.get("body"));
    String contentType = vector.containsKey("content_type") ? (String) vector.get("content_type") : "application/json";
    String origin = (String) vector.get("origin");
    boolean accept = switch ((String) vector.get("expect")) {
      case "accept" -> true;
      case "reject" -> false;
      default -> throw new IllegalArgumentException(id + ": expect " + vector.get("expect"));
    };
    int status = vector.get("status") == null ? 400 : ((Number) vector.get("status")).intValue();

    if (origin != null) {
      assertEquals(403, status, id);
      assertTrue(!new OriginCheck(List.of(RESOURCE)).allows(origin), id + ": Origin " + origin + " refused");
      assertTrue(new OriginCheck(List.of(RESOURCE)).allows(null), id + ": no Origin passes");
      assertAccepted(id, body, contentType);
      return;
    }
    if (accept) {
      RpcMessage message = assertAccepted(id, body, contentType);
      assertEquals(vector.get("peek"), message.method(), id);
      return;
    }
    PeekRejectedException e = assertThrows(PeekRejectedException.class,
        () -> peek.peek(body, body.length, contentType, null), id + " must be refused");
    assertEquals(status, e.status(), id + ": " + e.reason());
  }

  private RpcMessage assertAccepted(String id, byte[] body, String contentType) {
    try {
      return peek.peek(body, body.length, contentType, null);
    } catch (PeekRejectedException e) {
      return fail(id + " refused: " + e.status() + " " + e.reason());
    }
  }
}
