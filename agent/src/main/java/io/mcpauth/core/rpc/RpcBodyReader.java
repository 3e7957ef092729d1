package io.mcpauth.core.rpc;

import static io.mcpauth.core.rpc.PeekRejectedException.badRequest;

import io.mcpauth.core.rpc.RpcMessage.Kind;

/**
 * Reads one JSON-RPC message body as the MCP Java SDK will dispatch it
 * ({@code McpSchema.deserializeJsonRpcMessage}: Jackson into a map, then {@code method} and
 * {@code id} decide the kind), and refuses whatever the SDK could read differently or not at all.
 * Where the SDK is lenient the peek is strict: a member that decides dispatch may appear once
 * (Jackson keeps the last of duplicates), {@code jsonrpc} must be {@code "2.0"}, {@code method},
 * {@code params.name} and {@code params.uri} must be strings (Jackson turns {@code 7} into
 * {@code "7"}), and the ids and error codes are the ones the SDK's records accept.
 */
final class RpcBodyReader {

  private final JsonCursor json;

  /** One bit per member of {@link MemberNames#TOP_LEVEL} met so far. */
  private int seen;
  private String method;
  private boolean resultIsNull;
  private boolean errorIsNull;
  private boolean paramsIsObject;
  /** params is there and neither an object nor null. */
  private boolean paramsIsOdd;
  /** params.name and params.uri as strings, by their index in {@link MemberNames#IN_PARAMS}. */
  private final String[] targets = new String[2];
  /** One bit per target that is there and neither a string nor null. */
  private int oddTargets;
  /** One bit per target that appears twice, or next to a look-alike. */
  private int ambiguousTargets;

  private RpcBodyReader(byte[] body, int length) {
    this.json = new JsonCursor(body, length);
  }

  static RpcMessage read(byte[] body, int length) throws PeekRejectedException {
    if (length >= 3 && body[0] == (byte) 0xEF && body[1] == (byte) 0xBB && body[2] == (byte) 0xBF) {
      // RFC 8259 §8.1: a BOM MUST NOT be sent and MAY be ignored; the SDK's Jackson refuses it (J09).
      throw badRequest("the body starts with a byte order mark");
    }
    return new RpcBodyReader(body, length).message();
  }

  private RpcMessage message() throws PeekRejectedException {
    json.whitespace();
    if (json.peek() == '[') {
      // Batching was removed from MCP in protocol 2025-06-18; the SDK reads one message per body.
      throw badRequest("JSON-RPC batches are not accepted");
    }
    if (json.peek() != '{') {
      throw badRequest("the body is not a JSON object");
    }
    members();
    json.whitespace();
    if (!json.atEnd()) {
      throw badRequest("the body has data after the JSON object");
    }
    return classify();
  }

  private void members() throws PeekRejectedException {
    json.expect('{');
    json.whitespace();
    if (json.consume('}')) {
      return;
    }
    do {
      json.whitespace();
      member();
      json.whitespace();
    } while (json.consume(','));
    json.expect('}');
  }

  private void member() throws PeekRejectedException {
    int key = json.memberKey(MemberNames.TOP_LEVEL);
    if (MemberNames.isLookAlike(key)) {
      // Every top-level member decides how the message is dispatched.
      throw badRequest("a member name imitates a JSON-RPC member");
    }
    if (key == MemberNames.OTHER) {
      json.skipValue(1);
      return;
    }
    if (has(key)) {
      throw badRequest("a JSON-RPC member appears twice");
    }
    seen |= 1 << key;
    switch (key) {
      case MemberNames.JSONRPC -> {
        if (json.peek() != '"' || !json.readStringEquals("2.0")) {
          throw badRequest("jsonrpc is not \"2.0\"");
        }
      }
      case MemberNames.METHOD -> {
        if (json.peek() != '"') {
          throw badRequest("method is not a string");
        }
        method = json.readString();
      }
      case MemberNames.ID -> id();
      case MemberNames.PARAMS -> params();
      case MemberNames.RESULT -> {
        resultIsNull = json.isNull();
        json.skipValue(1);
      }
      case MemberNames.ERROR -> error();
      default -> throw new IllegalStateException("member " + key);
    }
  }

  /** The SDK's records take a string or an integer that fits a Long (Jackson gives BigInteger beyond). */
  private void id() throws PeekRejectedException {
    if (json.peek() == '"') {
      json.skipValue(1);
    } else if (!json.readIntegerWithin(Long.MIN_VALUE, Long.MAX_VALUE)) {
      throw badRequest("id is neither a string nor an integer");
    }
  }

  /**
   * Keeps {@code name} and {@code uri}, whatever the method (it may come after params), and
   * notes when either is ambiguous; which one counts is decided in {@link #classify}. Other
   * members are validated and passed over.
   */
  private void params() throws PeekRejectedException {
    if (json.peek() != '{') {
      paramsIsOdd = !json.isNull();
      json.skipValue(1);
      return;
    }
    paramsIsObject = true;
    int seenInParams = 0;
    json.expect('{');
    json.whitespace();
    if (json.consume('}')) {
      return;
    }
    do {
      json.whitespace();
      int key = json.memberKey(MemberNames.IN_PARAMS);
      if (key == MemberNames.OTHER) {
        json.skipValue(2);
      } else if (MemberNames.isLookAlike(key) || (seenInParams >>> key & 1) != 0) {
        ambiguousTargets |= 1 << (MemberNames.isLookAlike(key) ? MemberNames.imitated(key) : key);
        json.skipValue(2);
      } else if (json.peek() == '"') {
        seenInParams |= 1 << key;
        targets[key] = json.readString();
      } else {
        seenInParams |= 1 << key;
        if (!json.isNull()) {
          oddTargets |= 1 << key; // refused in classify() if the method reads it
        }
        json.skipValue(2);
      }
      json.whitespace();
    } while (json.consume(','));
    json.expect('}');
  }

  /** The SDK's JSONRPCError needs a code (an Integer) and a message; null means "no error". */
  private void error() throws PeekRejectedException {
    if (json.isNull()) {
      errorIsNull = true;
      json.skipValue(1);
      return;
    }
    if (json.peek() != '{') {
      throw badRequest("error is not an object");
    }
    boolean code = false;
    boolean message = false;
    json.expect('{');
    json.whitespace();
    if (!json.consume('}')) {
      do {
        json.whitespace();
        int key = json.memberKey(MemberNames.IN_ERROR);
        if (key == MemberNames.CODE) {
          if (!json.readIntegerWithin(Integer.MIN_VALUE, Integer.MAX_VALUE)) {
            throw badRequest("error.code is not an integer");
          }
          code = true;
        } else if (key == MemberNames.MESSAGE) {
          if (json.peek() != '"') {
            throw badRequest("error.message is not a string");
          }
          json.skipValue(2);
          message = true;
        } else {
          json.skipValue(2);
        }
        json.whitespace();
      } while (json.consume(','));
      json.expect('}');
    }
    if (!code || !message) {
      throw badRequest("error lacks a code or a message");
    }
  }

  private RpcMessage classify() throws PeekRejectedException {
    if (!has(MemberNames.JSONRPC)) {
      throw badRequest("jsonrpc is missing");
    }
    if (has(MemberNames.METHOD)) {
      Kind kind = has(MemberNames.ID) ? Kind.REQUEST : Kind.NOTIFICATION;
      String name = isNamed(method) ? target(MemberNames.NAME) : null;
      String uri = isOnResource(method) ? target(MemberNames.URI) : null;
      return new RpcMessage(kind, method, name, uri);
    }
    if (has(MemberNames.RESULT) || has(MemberNames.ERROR)) {
      if (!has(MemberNames.ID)) {
        throw badRequest("a response without an id");
      }
      boolean hasResult = has(MemberNames.RESULT) && !resultIsNull;
      boolean hasError = has(MemberNames.ERROR) && !errorIsNull;
      if (hasResult == hasError) {
        throw badRequest("a response needs exactly one of result and error");
      }
      return new RpcMessage(Kind.RESPONSE, null, null, null);
    }
    throw badRequest("the body is not a JSON-RPC message");
  }

  /**
   * params.name or params.uri, for a method dispatched on it. The SDK converts params to
   * its request record, turning a number or boolean into a string and, with a lenient mapper, an
   * array into an object, so for these methods params must be an object (or absent or null) and
   * the member a string (or absent or null). Without params the SDK calls nothing and answers an
   * error (J05 and J06 send tools/call so): null. SDK 2.1.0 turns a missing or null member into
   * the empty string and looks that up: "".
   */
  private String target(int member) throws PeekRejectedException {
    if (paramsIsOdd) {
      throw badRequest("params is not an object");
    }
    String spelling = MemberNames.IN_PARAMS.spelling(member);
    if ((ambiguousTargets >>> member & 1) != 0) {
      throw badRequest("params." + spelling + " appears twice or is imitated");
    }
    if ((oddTargets >>> member & 1) != 0) {
      throw badRequest("params." + spelling + " is not a string");
    }
    if (!paramsIsObject) {
      return null;
    }
    return targets[member] == null ? "" : targets[member];
  }

  private boolean has(int member) {
    return (seen >>> member & 1) != 0;
  }

  private static boolean isNamed(String method) {
    return method.equals("tools/call") || method.equals("prompts/get");
  }

  private static boolean isOnResource(String method) {
    return method.equals("resources/read") || method.equals("resources/subscribe")
        || method.equals("resources/unsubscribe");
  }
}
