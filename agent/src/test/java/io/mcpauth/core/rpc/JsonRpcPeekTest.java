package io.mcpauth.core.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.mcpauth.core.rpc.RpcMessage.Kind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The body peek's rules one by one; the vectors and the SDK differential are in their own tests. */
class JsonRpcPeekTest {

  private static final String JSON = "application/json";
  private static final String HEAD = "{\"jsonrpc\":\"2.0\",\"id\":1,";

  private final JsonRpcPeek peek = new JsonRpcPeek(JsonRpcPeek.DEFAULT_MAX_BODY_BYTES);

  private RpcMessage accept(String body) {
    return accept(body.getBytes(StandardCharsets.UTF_8));
  }

  private RpcMessage accept(byte[] body) {
    try {
      return peek.peek(body, JSON);
    } catch (PeekRejectedException e) {
      return fail("refused (" + e.status() + " " + e.reason() + "): " + new String(body, StandardCharsets.UTF_8));
    }
  }

  private PeekRejectedException reject(String body) {
    return reject(body.getBytes(StandardCharsets.UTF_8));
  }

  private PeekRejectedException reject(byte[] body) {
    PeekRejectedException e = assertThrows(PeekRejectedException.class, () -> peek.peek(body, JSON),
        () -> "accepted: " + new String(body, StandardCharsets.UTF_8));
    assertEquals(400, e.status(), e.reason());
    return e;
  }

  /** A body with a raw byte sequence spliced into the method string: tools{bytes}call. */
  private static byte[] methodWithBytes(String hex) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes((HEAD + "\"method\":\"tools").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(HexFormat.of().parseHex(hex));
    out.writeBytes("call\"}".getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  @Test
  @DisplayName("kinds as the SDK decides them: method+id, method alone, result or error")
  void kinds() {
    assertEquals(new RpcMessage(Kind.REQUEST, "tools/list", null, null), accept(HEAD + "\"method\":\"tools/list\"}"));
    assertEquals(new RpcMessage(Kind.REQUEST, "ping", null, null), accept("{\"id\":\"a-1\",\"method\":\"ping\",\"jsonrpc\":\"2.0\"}"));
    assertEquals(new RpcMessage(Kind.NOTIFICATION, "notifications/initialized", null, null),
        accept("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"));
    assertEquals(new RpcMessage(Kind.RESPONSE, null, null, null), accept(HEAD + "\"result\":{}}"));
    assertEquals(new RpcMessage(Kind.RESPONSE, null, null, null), accept(HEAD + "\"result\":{},\"error\":null}"));
    assertEquals(new RpcMessage(Kind.RESPONSE, null, null, null),
        accept(HEAD + "\"error\":{\"code\":-32601,\"message\":\"no\",\"data\":[1]}}"));
    // The SDK's records refuse these too.
    reject(HEAD + "\"x\":1}");
    reject("{\"jsonrpc\":\"2.0\",\"result\":{}}");
    reject(HEAD + "\"result\":null}");
    reject(HEAD + "\"result\":{},\"error\":{\"code\":1,\"message\":\"m\"}}");
    reject(HEAD + "\"error\":\"x\"}");
    reject(HEAD + "\"error\":{\"message\":\"m\"}}");
    reject(HEAD + "\"error\":{\"code\":1.5,\"message\":\"m\"}}");
    reject(HEAD + "\"error\":{\"code\":2147483648,\"message\":\"m\"}}");
    reject(HEAD + "\"error\":{\"code\":1,\"message\":5}}");
    reject("{}");
  }

  @Test
  @DisplayName("the tool, prompt or resource a request names")
  void targets() {
    assertEquals(new RpcMessage(Kind.REQUEST, "tools/call", "echo", null),
        accept(HEAD + "\"method\":\"tools/call\",\"params\":{\"arguments\":{\"name\":\"x\",\"uri\":7},\"name\":\"echo\"}}"));
    assertEquals(new RpcMessage(Kind.REQUEST, "prompts/get", "greet", null),
        accept("{\"params\":{\"name\":\"greet\"},\"jsonrpc\":\"2.0\",\"method\":\"prompts/get\",\"id\":2}"));
    assertEquals(new RpcMessage(Kind.REQUEST, "resources/read", null, "file:///etc/motd"),
        accept(HEAD + "\"method\":\"resources/read\",\"params\":{\"uri\":\"file:///etc/motd\",\"name\":5}}"));
    assertEquals("file:///a", accept(HEAD + "\"method\":\"resources/subscribe\",\"params\":{\"uri\":\"file:///a\"}}").uri());
    assertEquals("file:///a", accept(HEAD + "\"method\":\"resources/unsubscribe\",\"params\":{\"uri\":\"file:///a\"}}").uri());
    assertEquals("read", accept("{\"jsonrpc\":\"2.0\",\"method\":\"tools/call\",\"params\":{\"name\":\"read\"}}").name(),
        "a notification is peeked the same way");
    // No params: the SDK calls nothing and answers an error.
    assertNull(accept(HEAD + "\"method\":\"tools/call\"}").name());
    assertNull(accept(HEAD + "\"method\":\"tools/call\",\"params\":null}").name());
    assertNull(accept(HEAD + "\"method\":\"resources/read\"}").uri());
    // Params without the member: SDK 2.1.0 looks up the empty name.
    assertEquals("", accept(HEAD + "\"method\":\"tools/call\",\"params\":{\"name\":null}}").name());
    assertEquals("", accept(HEAD + "\"method\":\"prompts/get\",\"params\":{}}").name());
    assertEquals("", accept(HEAD + "\"method\":\"resources/read\",\"params\":{\"name\":\"x\"}}").uri());
    // Other methods: params.name is not read by the SDK, so its shape does not matter.
    assertEquals(new RpcMessage(Kind.REQUEST, "initialize", null, null),
        accept(HEAD + "\"method\":\"initialize\",\"params\":{\"name\":[],\"clientInfo\":{\"name\":\"c\"}}}"));
    assertEquals(new RpcMessage(Kind.REQUEST, "ping", null, null), accept(HEAD + "\"method\":\"ping\",\"params\":[1]}"));
    // Jackson would turn these into a name the peek did not see.
    reject(HEAD + "\"method\":\"tools/call\",\"params\":{\"name\":7}}");
    reject(HEAD + "\"method\":\"tools/call\",\"params\":{\"name\":true}}");
    reject(HEAD + "\"method\":\"tools/call\",\"params\":{\"name\":[\"read\"]}}");
    reject(HEAD + "\"method\":\"tools/call\",\"params\":[{\"name\":\"read\"}]}");
    reject(HEAD + "\"method\":\"prompts/get\",\"params\":\"read\"}");
    reject(HEAD + "\"method\":\"resources/read\",\"params\":{\"uri\":{}}}");
  }

  @Test
  @DisplayName("escapes are decoded before anything is compared")
  void escapes() {
    assertEquals(new RpcMessage(Kind.REQUEST, "tools/call", "read", null),
        accept("{\"\\u006asonrpc\":\"\\u0032.0\",\"\\u0069d\":1,\"m\\u0065thod\":\"tools\\/call\","
            + "\"p\\u0061rams\":{\"n\\u0061me\":\"re\\u0061d\"}}"));
    assertEquals("caf\u00e9 \ud83d\ude00 \"\\/\b\f\n\r\t", accept(HEAD + "\"method\":\"tools/call\",\"params\":{\"name\":"
        + "\"caf\u00e9 \\ud83d\\ude00 \\\"\\\\\\/\\b\\f\\n\\r\\t\"}}").name());
    assertEquals("\u00e9\u4e2d\ud83d\ude00", accept(HEAD + "\"method\":\"\u00e9\u4e2d\ud83d\ude00\"}").method());
    reject(HEAD + "\"method\":\"ping\",\"\\u006dethod\":\"tools/call\"}");
    reject(HEAD + "\"method\":\"tools/call\",\"params\":{\"name\":\"read\",\"n\\u0061me\":\"delete\"}}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Method", "METHOD", "mEthod", "method\\u0000", "\\u0000method", "method\\u200b", "meth\\u00adod",
      " method", "method\\n", "metho\\u0308d", "\\u0130d", "\\u0131d", "ID", "Params", "JSONRPC", "Result", "errOr",
      "j\\u017fonrpc", "metho\\u0064\\ufeff"})
  @DisplayName("CVE-2026-27896, GHSA-q382-vc8q-7jhj: look-alikes of top-level members are refused")
  void lookAlikesAtTopLevel(String name) {
    PeekRejectedException e = reject(HEAD + "\"method\":\"ping\",\"" + name + "\":\"tools/call\"}");
    assertEquals("a member name imitates a JSON-RPC member", e.reason());
  }

  @ParameterizedTest
  @ValueSource(strings = {"Name", "NAME", "name\\u0000", "na\\u200dme", "nam\\u0301e"})
  @DisplayName("J12: a second params.name, or a look-alike, is refused where the method reads it")
  void ambiguousName(String name) {
    for (String method : new String[] {"tools/call", "prompts/get"}) {
      assertEquals("params.name appears twice or is imitated",
          reject(HEAD + "\"method\":\"" + method + "\",\"params\":{\"name\":\"read\",\"" + name + "\":\"delete\"}}").reason());
      reject(HEAD + "\"params\":{\"" + name + "\":\"delete\"},\"method\":\"" + method + "\"}");
    }
    accept(HEAD + "\"method\":\"resources/read\",\"params\":{\"uri\":\"a\",\"name\":\"read\",\"" + name + "\":\"delete\"}}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"URI", "Uri", "ur\\u0130", "ur\\u0131", "uri\\u0000", "\\u0075ri"})
  @DisplayName("a second params.uri, or a look-alike, is refused where the method reads it")
  void ambiguousUri(String name) {
    for (String method : new String[] {"resources/read", "resources/subscribe", "resources/unsubscribe"}) {
      reject(HEAD + "\"method\":\"" + method + "\",\"params\":{\"uri\":\"file:///a\",\"" + name + "\":\"file:///b\"}}");
    }
    accept(HEAD + "\"method\":\"tools/call\",\"params\":{\"name\":\"read\",\"uri\":\"a\",\"" + name + "\":\"b\"}}");
  }

  @Test
  @DisplayName("names that only resemble: unrelated keys, deeper levels and duplicates that decide nothing pass")
  void harmlessNames() {
    accept(HEAD + "\"method\":\"ping\",\"methods\":1,\"m\u00e9thod\":2,\"\uff4dethod\":3,\"_meta\":{},\"x\":1,\"x\":2}");
    accept(HEAD + "\"method\":\"tools/call\",\"params\":{\"name\":\"a\",\"arguments\":{\"Name\":1,\"name\":2,\"name\":3,"
        + "\"Method\":4,\"method\":5},\"_meta\":{\"progressToken\":1}}}");
    accept(HEAD + "\"method\":\"ping\",\"params\":{\"Method\":1,\"Params\":2}}");
  }

  @Test
  @DisplayName("jsonrpc must be \"2.0\"; id a string or an integer the SDK's records take")
  void versionAndId() {
    reject("{\"id\":1,\"method\":\"ping\"}");
    reject("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}");
    reject("{\"jsonrpc\":2.0,\"id\":1,\"method\":\"ping\"}");
    reject("{\"jsonrpc\":\"2.0 \",\"id\":1,\"method\":\"ping\"}");
    accept("{\"jsonrpc\":\"2.0\",\"id\":9223372036854775807,\"method\":\"ping\"}");
    accept("{\"jsonrpc\":\"2.0\",\"id\":-9223372036854775808,\"method\":\"ping\"}");
    accept("{\"jsonrpc\":\"2.0\",\"id\":-0,\"method\":\"ping\"}");
    accept("{\"jsonrpc\":\"2.0\",\"id\":\"\",\"method\":\"ping\"}");
    for (String id : new String[] {"9223372036854775808", "-9223372036854775809", "1.0", "1e2", "null", "true", "{}", "[]"}) {
      reject("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"ping\"}");
    }
  }

  @Test
  @DisplayName("method must be a string")
  void methodType() {
    for (String method : new String[] {"7", "7.5", "true", "null", "{}", "[\"ping\"]"}) {
      assertEquals("method is not a string", reject(HEAD + "\"method\":" + method + "}").reason());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "null", "\"ping\"", "[]", "{", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"",
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",}", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":'ping'}",
      "{jsonrpc:\"2.0\",\"id\":1,\"method\":\"ping\"}", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}}",
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}x", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\u0000",
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\u00a0", "\u00a0{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}",
      "\f{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}//",
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"x\":01}", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"x\":1.}",
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"x\":.5}", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"x\":+1}",
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"x\":1e}", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"x\":-}",
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"x\":NaN}", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"x\":Infinity}",
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"x\":tru}", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"x\":nulll}",
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"x\":[1,]}", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"x\":[1 2]}",
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"x\":{\"a\"}}", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"x\":{1:2}}",
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"x\":\"\\x\"}", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"x\":\"\\u12g4\"}",
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"x\":\"\\u12\"}", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"x\":\"a\tb\"}",
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"x\":\"a\nb\"}", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"x\":\"\\",
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\" /* c */}", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n{}"})
  @DisplayName("anything but exactly one well-formed JSON object is refused")
  void malformed(String body) {
    reject(body);
  }

  @Test
  @DisplayName("RFC 8259 whitespace around and between tokens is fine")
  void whitespace() {
    assertEquals("tools/call", accept(" \t\r\n{ \"jsonrpc\" : \"2.0\" ,\n\"id\"\t:\r1 , \"method\" :\"tools/call\" , \"params\" : "
        + "{ \"name\" : \"x\" , \"arguments\" : { \"a\" : [ 1 , -2.5e+3 , true , false , null , { } , [ ] ] } } } \r\n").method());
  }

  @ParameterizedTest
  @ValueSource(strings = {"C0AF", "C1BF", "E08080", "E09FBF", "EDA080", "EDBFBF", "F08F8080", "F4908080", "F5808080", "FF",
      "80", "BF", "C2", "E282", "F09F98", "C220", "E2822E"})
  @DisplayName("J16: invalid UTF-8 (overlong, surrogates, beyond U+10FFFF, truncated, stray continuation) is refused")
  void invalidUtf8(String hex) {
    assertEquals("the body is not valid UTF-8", reject(methodWithBytes(hex)).reason());
  }

  @ParameterizedTest
  @ValueSource(strings = {"C280", "DFBF", "E0A080", "E282AC", "ED9FBF", "EE8080", "EFBFBF", "F0908080", "F09F9880", "F48FBFBF"})
  @DisplayName("well-formed UTF-8 at every boundary of the table passes")
  void validUtf8(String hex) {
    byte[] raw = HexFormat.of().parseHex(hex);
    assertEquals("tools" + new String(raw, StandardCharsets.UTF_8) + "call", accept(methodWithBytes(hex)).method());
  }

  @ParameterizedTest
  @ValueSource(strings = {"\\ud800", "\\udbff", "\\udc00", "\\udfff", "\\ud800\\u0041", "\\ud800x", "\\udc00\\ud800",
      "\\ud800\\ud800", "\\ud800\\"})
  @DisplayName("J15: escapes that leave a lone surrogate are refused, in any string")
  void loneSurrogates(String escaped) {
    reject(HEAD + "\"method\":\"" + escaped + "\"}");
    reject(HEAD + "\"method\":\"ping\",\"params\":{\"a\":[\"" + escaped + "\"]}}");
  }

  @Test
  @DisplayName("J13: nesting is bounded without recursion, at any level")
  void depth() {
    // The top-level object is level 1, params level 2.
    accept(HEAD + "\"method\":\"ping\",\"params\":" + "[".repeat(63) + "]".repeat(63) + "}");
    accept(HEAD + "\"method\":\"ping\",\"params\":{\"a\":" + "{\"b\":".repeat(62) + "1" + "}".repeat(63) + "}");
    assertEquals("the JSON nests deeper than 64 levels",
        reject(HEAD + "\"method\":\"ping\",\"params\":" + "[".repeat(64) + "]".repeat(64) + "}").reason());
    reject(HEAD + "\"method\":\"ping\",\"params\":{\"a\":" + "{\"b\":".repeat(63) + "1" + "}".repeat(64) + "}");
    reject(HEAD + "\"method\":\"ping\",\"x\":" + "[".repeat(1_000_000) + "]".repeat(1_000_000) + "}");
    reject(HEAD + "\"method\":\"ping\",\"error\":{\"code\":1,\"message\":\"m\",\"data\":" + "[".repeat(100_000) + "}}");
  }

  @Test
  @DisplayName("names and numbers stay within what Jackson accepts")
  void lengths() {
    accept(HEAD + "\"method\":\"ping\",\"" + "k".repeat(JsonCursor.MAX_NAME_BYTES) + "\":1}");
    reject(HEAD + "\"method\":\"ping\",\"" + "k".repeat(JsonCursor.MAX_NAME_BYTES + 1) + "\":1}");
    reject(HEAD + "\"method\":\"ping\",\"params\":{\"" + "k".repeat(JsonCursor.MAX_NAME_BYTES + 1) + "\":1}}");
    reject(HEAD + "\"method\":\"ping\",\"params\":{\"a\":{\"" + "k".repeat(JsonCursor.MAX_NAME_BYTES + 1) + "\":1}}}");
    accept(HEAD + "\"method\":\"ping\",\"x\":-" + "1".repeat(JsonCursor.MAX_NUMBER_BYTES - 1) + "}");
    accept(HEAD + "\"method\":\"ping\",\"x\":0." + "1".repeat(JsonCursor.MAX_NUMBER_BYTES - 2) + "}");
    reject(HEAD + "\"method\":\"ping\",\"x\":" + "1".repeat(JsonCursor.MAX_NUMBER_BYTES + 1) + "}");
    reject(HEAD + "\"method\":\"ping\",\"x\":1e" + "1".repeat(JsonCursor.MAX_NUMBER_BYTES) + "}");
  }

  @Test
  @DisplayName("J14: a body over the limit is refused with 413 before any of it is read; the limit itself passes")
  void size() throws Exception {
    JsonRpcPeek small = new JsonRpcPeek(100);
    byte[] fits = JsonRpcPeekVectorTest.paddedPing(100);
    assertEquals("ping", small.peek(fits, JSON).method());
    byte[] over = JsonRpcPeekVectorTest.paddedPing(101);
    assertEquals(413, assertThrows(PeekRejectedException.class, () -> small.peek(over, JSON)).status());
    byte[] garbageOver = new byte[101];
    assertEquals(413, assertThrows(PeekRejectedException.class, () -> small.peek(garbageOver, JSON)).status());
    // Only the first `length` bytes count: a reused buffer with stale bytes after them.
    byte[] buffer = Arrays.copyOf(fits, 4096);
    Arrays.fill(buffer, 100, 4096, (byte) '}');
    assertEquals("ping", small.peek(buffer, 100, JSON, null).method());
    assertThrows(IllegalArgumentException.class, () -> new JsonRpcPeek(0));
    assertThrows(IllegalArgumentException.class, () -> new JsonRpcPeek(JsonRpcPeek.LARGEST_MAX_BODY_BYTES + 1));
  }

  @ParameterizedTest
  @ValueSource(strings = {"application/json", "Application/JSON", " application/json ", "application/json;charset=utf-8",
      "application/json; charset=UTF-8", "application/json; charset=\"utf-8\"", "application/json; profile=x"})
  @DisplayName("Content-Type: UTF-8 application/json in any spelling passes")
  void jsonContentTypes(String contentType) throws Exception {
    assertEquals("ping", peek.peek((HEAD + "\"method\":\"ping\"}").getBytes(StandardCharsets.UTF_8), contentType).method());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x", "application/json-seq", "application/jsonx", "application/vnd.api+json",
      "application/json; charset=iso-8859-1", "application/json; charset=utf-16", "application/json; charset=utf8",
      "application/json; charset=utf-8; charset=latin1", "application/json; charset", "text/json", "*/*"})
  @DisplayName("J17: any other Content-Type, or none, is 415 (a CORS-safelisted type allows cross-site POSTs)")
  void otherContentTypes(String contentType) {
    byte[] body = (HEAD + "\"method\":\"ping\"}").getBytes(StandardCharsets.UTF_8);
    assertEquals(415, assertThrows(PeekRejectedException.class, () -> peek.peek(body, contentType.isEmpty() ? null : contentType))
        .status());
  }

  @Test
  @DisplayName("Content-Encoding: the SDK never inflates, so a coded body is 415; identity passes")
  void contentEncoding() throws Exception {
    byte[] body = (HEAD + "\"method\":\"ping\"}").getBytes(StandardCharsets.UTF_8);
    assertEquals("ping", peek.peek(body, body.length, JSON, "identity").method());
    assertEquals("ping", peek.peek(body, body.length, JSON, " ").method());
    ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gzipped)) {
      out.write(body);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    byte[] coded = gzipped.toByteArray();
    for (String encoding : new String[] {"gzip", "deflate", "br", "GZIP", "identity, gzip"}) {
      assertEquals(415, assertThrows(PeekRejectedException.class, () -> peek.peek(coded, coded.length, JSON, encoding)).status(),
          encoding);
    }
    assertEquals(400, assertThrows(PeekRejectedException.class, () -> peek.peek(coded, JSON)).status(),
        "gzip bytes sent without the header are not JSON");
  }

  @Test
  @DisplayName("Content-Type and Content-Encoding compare in ASCII case only: 'j\u017Fon', '\u0131dentity' and a U+3000 encoding are refused")
  void mediaTypesAreAscii() {
    assertTrue(JsonRpcPeek.isJson("Application/JSON; Charset=\"UTF-8\""));
    assertFalse(JsonRpcPeek.isJson("application/j\u017Fon"));
    assertFalse(JsonRpcPeek.isJson("application/json; charset=utf-8\u3000"));
    assertFalse(JsonRpcPeek.isJson("application/json\u00A0"));
    byte[] body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}".getBytes(StandardCharsets.UTF_8);
    for (String encoding : List.of("\u3000", "\u0131dentity", "\u0130dentity")) {
      assertThrows(PeekRejectedException.class, () -> peek.peek(body, body.length, JSON, encoding), encoding);
    }
  }

  @Test
  @DisplayName("a \\u escape with full-width digits in the body is refused")
  void unicodeEscapesAreAsciiHex() {
    byte[] body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\\u\uFF10\uFF10\uFF17\uFF10ing\"}".getBytes(StandardCharsets.UTF_8);
    assertThrows(PeekRejectedException.class, () -> peek.peek(body, JSON));
  }
}
