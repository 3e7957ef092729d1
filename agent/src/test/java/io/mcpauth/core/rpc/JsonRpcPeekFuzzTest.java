package io.mcpauth.core.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mcpauth.core.json.JsonLexer;
import io.mcpauth.core.json.ReferenceJson;
import io.mcpauth.core.logging.AgentLog;
import io.mcpauth.core.rpc.JsonRpcPeekDifferentialTest.Dispatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The JSON-RPC body peek on any bytes: a refusal is a PeekRejectedException with a 400 or 413; a
 * body it accepts is within the size and nesting limits, and the MCP SDK's own parser (default and
 * case-insensitive Jackson mappers) dispatches exactly the kind, method and target the peek read.
 */
class JsonRpcPeekFuzzTest {

  /** Small, so the fuzzer reaches the size limit too. */
  private static final int MAX_BODY_BYTES = 2048;
  private static final JsonRpcPeek PEEK = new JsonRpcPeek(MAX_BODY_BYTES);

  @BeforeAll
  static void quietSdk() {
    AgentLog.settings("OFF", null);
  }

  @AfterAll
  static void loudAgain() {
    AgentLog.settings("INFO", null);
  }

  @FuzzTest
  void acceptedBodiesDispatchAsTheSdkReadsThem(byte[] body) {
    RpcMessage peeked;
    try {
      peeked = PEEK.peek(body, "application/json");
    } catch (PeekRejectedException refused) {
      assertTrue(refused.status() == 400 || refused.status() == 413 && body.length > MAX_BODY_BYTES, refused::reason);
      return;
    }
    assertTrue(body.length <= MAX_BODY_BYTES, "size limit");
    Object tree = ReferenceJson.read(body);
    // Jackson refuses duplicate names here; the peek allows them where they do not decide dispatch.
    if (tree != null) {
      assertTrue(ReferenceJson.depth(tree) <= JsonLexer.MAX_DEPTH, "nesting limit");
    }
    Dispatch ours = new Dispatch(peeked.kind(), peeked.method(), peeked.name(), peeked.uri());
    Dispatch sdk = JsonRpcPeekDifferentialTest.sdk(JsonRpcPeekDifferentialTest.DEFAULT_MAPPER, body);
    assertNotNull(sdk, "the SDK refuses a body the peek accepted");
    assertEquals(ours, sdk, "the SDK's dispatch");
    assertEquals(ours, JsonRpcPeekDifferentialTest.sdk(JsonRpcPeekDifferentialTest.CASE_INSENSITIVE_MAPPER, body),
        "a case-insensitive mapper's dispatch");
  }
}
