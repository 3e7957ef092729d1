package io.mcpauth.core.json;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict RFC 8259 parser for small JSON objects: the two of a JWT, on the verification hot path,
 * and the documents the embedded authorization server receives. It reads with {@link JsonLexer},
 * so its rules are those of the JSON-RPC body peek; beyond them it refuses duplicate member names
 * in every object (RFC 7515 §5.2, RFC 7519 §4). jose4j's parser allocated a 32 KB buffer per call
 * and cost 12 µs of a 70 µs RS256 verification (JMH, VerifierStepsBenchmark); this one is
 * allocation-light. Nesting is bounded by {@link JsonLexer#MAX_DEPTH} (RS-SEC-26).
 *
 * <p>Values map as jose4j maps them: objects to {@code Map}, arrays to {@code List}, integers that
 * fit to {@code Long}, other numbers to {@code Double} (1e400 becomes infinity), and JSON null to
 * a null value that is present in the map.
 */
public final class StrictJson {

  /** The text is not one well-formed JSON object within the limits; the message says why. */
  public static final class MalformedJsonException extends Exception {
    MalformedJsonException(String message) {
      super(message, null, false, false);
    }
  }

  private StrictJson() {
  }

  /** Parses {@code text}, which must be exactly one JSON object; {@code what} names it in errors. */
  public static Map<String, Object> parseObject(String text, String what) throws MalformedJsonException {
    for (int i = 0; i < text.length(); i++) {
      // A lone surrogate has no UTF-8 form (getBytes would write '?'); decoded input never has one.
      if (Character.isSurrogate(text.charAt(i))) {
        if (!Character.isHighSurrogate(text.charAt(i)) || i + 1 == text.length()
            || !Character.isLowSurrogate(text.charAt(i + 1))) {
          throw new MalformedJsonException(what + " " + JsonLexer.Problem.INVALID_UTF8.phrase());
        }
        i++;
      }
    }
    return parseObject(text.getBytes(StandardCharsets.UTF_8), what);
  }

  /** Parses the UTF-8 {@code json}, which must be exactly one JSON object; {@code what} names it in errors. */
  public static Map<String, Object> parseObject(byte[] json, String what) throws MalformedJsonException {
    Parser parser = new Parser(json, what);
    parser.whitespace();
    if (parser.peek() != '{') {
      throw parser.error("is not a JSON object");
    }
    Map<String, Object> object = parser.object(1);
    parser.whitespace();
    if (!parser.atEnd()) {
      throw parser.error("has trailing characters");
    }
    return object;
  }

  private static final class Parser extends JsonLexer<MalformedJsonException> {

    private final String what;

    private Parser(byte[] utf8, String what) {
      super(utf8, utf8.length);
      this.what = what;
    }

    private Map<String, Object> object(int depth) throws MalformedJsonException {
      checkDepth(depth);
      pos++; // '{'
      Map<String, Object> members = new HashMap<>();
      whitespace();
      if (consume('}')) {
        return members;
      }
      while (true) {
        whitespace();
        if (peek() != '"') {
          throw error("has a member name that is not a string");
        }
        int start = pos;
        String name = readString();
        checkNameLength(start);
        whitespace();
        expect(':');
        whitespace();
        Object value = value(depth);
        if (members.containsKey(name)) {
          throw error("has a duplicate member");
        }
        members.put(name, value);
        whitespace();
        if (consume('}')) {
          return members;
        }
        expect(',');
      }
    }

    private List<Object> array(int depth) throws MalformedJsonException {
      checkDepth(depth);
      pos++; // '['
      List<Object> elements = new ArrayList<>();
      whitespace();
      if (consume(']')) {
        return elements;
      }
      while (true) {
        whitespace();
        elements.add(value(depth));
        whitespace();
        if (consume(']')) {
          return elements;
        }
        expect(',');
      }
    }

    private Object value(int depth) throws MalformedJsonException {
      int c = peek();
      switch (c) {
        case '{':
          return object(depth + 1);
        case '[':
          return array(depth + 1);
        case '"':
          return readString();
        case 't':
          literal("true");
          return Boolean.TRUE;
        case 'f':
          literal("false");
          return Boolean.FALSE;
        case 'n':
          literal("null");
          return null;
        default:
          if (c == '-' || (c >= '0' && c <= '9')) {
            return numberValue();
          }
          throw malformed();
      }
    }

    private Object numberValue() throws MalformedJsonException {
      int start = pos;
      boolean integral = number();
      String literal = new String(in, start, pos - start, StandardCharsets.ISO_8859_1);
      if (integral && pos - start <= 20) {
        try {
          return Long.parseLong(literal); // ASCII digits only: number() admitted nothing else
        } catch (NumberFormatException beyondLong) {
          // falls through to a double, as jose4j does
        }
      }
      return Double.parseDouble(literal);
    }

    private void checkDepth(int depth) throws MalformedJsonException {
      if (depth > MAX_DEPTH) {
        throw error(Problem.TOO_DEEP);
      }
    }

    @Override
    protected MalformedJsonException error(Problem problem) {
      return error(problem.phrase());
    }

    private MalformedJsonException error(String problem) {
      return new MalformedJsonException(what + " " + problem);
    }
  }
}
