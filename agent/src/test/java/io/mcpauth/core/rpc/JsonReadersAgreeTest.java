package io.mcpauth.core.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mcpauth.core.json.JsonLexer;
import io.mcpauth.core.json.StrictJson;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JSON-RPC body peek and {@link StrictJson} read with one lexer: a value or member name that
 * one of them refuses, the other refuses with the same problem. (They differ on purpose in one
 * rule: StrictJson refuses every duplicate member, the peek only those that decide dispatch.)
 */
class JsonReadersAgreeTest {

  private static final byte[] RPC_HEAD = "{\"jsonrpc\":\"2.0\",\"method\":\"ping\",".getBytes(StandardCharsets.UTF_8);
  private static final int NOT_REFUSED = -1;

  static Stream<Object[]> values() {
    List<Object[]> cases = new ArrayList<>();
    for (String value : List.of("1", "-0", "0.5e-3", "1e400", "99999999999999999999999", "\"a\"", "\"\\ud83d\\ude00\"",
        "\"\\u00e9\\n\"", "true", "null", "[]", "{}", "[1,{\"a\":[null]}]", "\"\u00e9\u4e2d\"")) {
      cases.add(new Object[] {value, NOT_REFUSED});
    }
    String[][] refused = {
        {"01", "NOT_JSON"}, {"-", "INVALID_NUMBER"}, {"1.", "INVALID_NUMBER"}, {".5", "NOT_JSON"}, {"1e", "INVALID_NUMBER"},
        {"+1", "NOT_JSON"}, {"NaN", "NOT_JSON"}, {"Infinity", "NOT_JSON"}, {"tru", "NOT_JSON"}, {"nul", "NOT_JSON"},
        {"\uFF11", "NOT_JSON"}, {"\u0661", "NOT_JSON"},
        {"1".repeat(JsonLexer.MAX_NUMBER_BYTES + 1), "LONG_NUMBER"}, {"0." + "1".repeat(JsonLexer.MAX_NUMBER_BYTES), "LONG_NUMBER"},
        {"\"\\ud800\"", "LONE_SURROGATE"}, {"\"\\udc00\\ud800\"", "LONE_SURROGATE"}, {"\"\\x\"", "INVALID_ESCAPE"},
        {"\"\\u12\"", "INVALID_ESCAPE"}, {"\"\\u\uFF11\uFF12\uFF13\uFF14\"", "INVALID_ESCAPE"}, {"\"\\u\u0661\u0662\u0663\u0664\"", "INVALID_ESCAPE"},
        {"\"a\u0001\"", "CONTROL_CHARACTER"}, {"\"a\t\"", "CONTROL_CHARACTER"}, {"\u00A01", "NOT_JSON"}, {"\u30001", "NOT_JSON"},
        {"\u000B1", "NOT_JSON"}, {"\f1", "NOT_JSON"},
        {"[".repeat(JsonLexer.MAX_DEPTH) + "]".repeat(JsonLexer.MAX_DEPTH), "TOO_DEEP"},
        {"[1,]", "NOT_JSON"}, {"{\"a\"}", "NOT_JSON"}, {"\"abc", "TRUNCATED"}, {"[1", "NOT_JSON"},
    };
    for (String[] r : refused) {
      cases.add(new Object[] {r[0], JsonLexer.Problem.valueOf(r[1]).ordinal()});
    }
    // x is at depth 2, so MAX_DEPTH - 1 arrays reach MAX_DEPTH
    cases.add(new Object[] {"[".repeat(JsonLexer.MAX_DEPTH - 1) + "]".repeat(JsonLexer.MAX_DEPTH - 1), NOT_REFUSED});
    cases.add(new Object[] {"{\"" + "k".repeat(JsonLexer.MAX_NAME_BYTES) + "\":1}", NOT_REFUSED});
    cases.add(new Object[] {"{\"" + "k".repeat(JsonLexer.MAX_NAME_BYTES + 1) + "\":1}", JsonLexer.Problem.LONG_NAME.ordinal()});
    return cases.stream();
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("values")
  void valuesAreReadAlike(String value, int problem) throws Exception {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    assertAgree(utf8, problem);
  }

  @ParameterizedTest(name = "[{index}]")
  @MethodSource("invalidUtf8")
  void invalidUtf8IsRefusedByBoth(byte[] string) throws Exception {
    assertAgree(string, JsonLexer.Problem.INVALID_UTF8.ordinal());
  }

  static Stream<byte[]> invalidUtf8() {
    return Stream.of(new int[] {0xC0, 0x80}, new int[] {0xED, 0xA0, 0x80}, new int[] {0xF5, 0x80, 0x80, 0x80},
        new int[] {0xE0, 0x80, 0x80}, new int[] {0x80}, new int[] {0xE4, 0xB8}).map(bytes -> {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          out.write('"');
          for (int b : bytes) {
            out.write(b);
          }
          out.write('"');
          return out.toByteArray();
        });
  }

  /** {@code value} as the member x of a ping for the peek, and of a bare object for StrictJson. */
  private static void assertAgree(byte[] value, int problem) {
    ByteArrayOutputStream rpc = new ByteArrayOutputStream();
    rpc.writeBytes(RPC_HEAD);
    rpc.writeBytes("\"x\":".getBytes(StandardCharsets.UTF_8));
    rpc.writeBytes(value);
    rpc.write('}');
    ByteArrayOutputStream object = new ByteArrayOutputStream();
    object.writeBytes("{\"x\":".getBytes(StandardCharsets.UTF_8));
    object.writeBytes(value);
    object.write('}');
    String expectedPeek = problem == NOT_REFUSED ? null : peekMessage(JsonLexer.Problem.values()[problem]);
    String expectedTree = problem == NOT_REFUSED ? null : "x " + JsonLexer.Problem.values()[problem].phrase();
    String peek;
    try {
      byte[] body = rpc.toByteArray();
      new JsonRpcPeek(JsonRpcPeek.LARGEST_MAX_BODY_BYTES).peek(body, "application/json");
      peek = null;
    } catch (PeekRejectedException e) {
      peek = e.reason();
    }
    String tree;
    try {
      StrictJson.parseObject(object.toByteArray(), "x");
      tree = null;
    } catch (StrictJson.MalformedJsonException e) {
      tree = e.getMessage();
    }
    assertEquals(expectedPeek, peek, "peek");
    assertEquals(expectedTree, tree, "StrictJson");
  }

  private static String peekMessage(JsonLexer.Problem problem) {
    return (problem.ofTheBytes() ? "the body " : "the JSON ") + problem.phrase();
  }
}
