package io.mcpauth.core.json;

import io.mcpauth.core.text.Ascii;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict RFC 8259 parser for small JSON objects: the two of a JWT, on the verification hot path,
 * and the documents the embedded authorization server receives.
 * jose4j's parser allocates a 32 KB buffer per call and cost 12 µs of a 70 µs RS256 verification
 * (JMH, VerifierStepsBenchmark); this one is allocation-light. Beyond RFC 8259 it refuses duplicate
 * member names (RFC 7515 §5.2, RFC 7519 §4) and nesting deeper than {@link #MAX_DEPTH} (RS-SEC-26).
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


  public static final int MAX_DEPTH = 32;

  private final String text;
  private final String what;
  private int pos;

  private StrictJson(String text, String what) {
    this.text = text;
    this.what = what;
  }

  /** Parses {@code text}, which must be exactly one JSON object; {@code what} names it in errors. */
  public static Map<String, Object> parseObject(String text, String what) throws MalformedJsonException {
    StrictJson parser = new StrictJson(text, what);
    parser.whitespace();
    if (parser.peek() != '{') {
      throw parser.error("is not a JSON object");
    }
    Map<String, Object> object = parser.object(1);
    parser.whitespace();
    if (parser.pos != text.length()) {
      throw parser.error("has trailing characters");
    }
    return object;
  }

  private Map<String, Object> object(int depth) throws MalformedJsonException {
    checkDepth(depth);
    pos++; // '{'
    Map<String, Object> members = new HashMap<>();
    whitespace();
    if (peek() == '}') {
      pos++;
      return members;
    }
    while (true) {
      whitespace();
      if (peek() != '"') {
        throw error("has a member name that is not a string");
      }
      String name = string();
      whitespace();
      expect(':');
      whitespace();
      Object value = value(depth);
      if (members.containsKey(name)) {
        throw error("has a duplicate member");
      }
      members.put(name, value);
      whitespace();
      char c = next();
      if (c == '}') {
        return members;
      }
      if (c != ',') {
        throw error("is not valid JSON");
      }
    }
  }

  private List<Object> array(int depth) throws MalformedJsonException {
    checkDepth(depth);
    pos++; // '['
    List<Object> elements = new ArrayList<>();
    whitespace();
    if (peek() == ']') {
      pos++;
      return elements;
    }
    while (true) {
      whitespace();
      elements.add(value(depth));
      whitespace();
      char c = next();
      if (c == ']') {
        return elements;
      }
      if (c != ',') {
        throw error("is not valid JSON");
      }
    }
  }

  private Object value(int depth) throws MalformedJsonException {
    char c = peek();
    switch (c) {
      case '{':
        return object(depth + 1);
      case '[':
        return array(depth + 1);
      case '"':
        return string();
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
          return number();
        }
        throw error("is not valid JSON");
    }
  }

  private String string() throws MalformedJsonException {
    pos++; // '"'
    int start = pos;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '"') {
        return text.substring(start, pos++);
      }
      if (c == '\\') {
        return escapedString(start);
      }
      if (c < 0x20) {
        throw error("has a control character in a string");
      }
      pos++;
    }
    throw error("has an unterminated string");
  }

  private String escapedString(int start) throws MalformedJsonException {
    StringBuilder out = new StringBuilder(text.length() - start).append(text, start, pos);
    while (pos < text.length()) {
      char c = text.charAt(pos++);
      if (c == '"') {
        return out.toString();
      }
      if (c < 0x20) {
        throw error("has a control character in a string");
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char escape = next();
      switch (escape) {
        case '"', '\\', '/' -> out.append(escape);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> out.append(hex4());
        default -> throw error("has an invalid escape");
      }
    }
    throw error("has an unterminated string");
  }

  private char hex4() throws MalformedJsonException {
    if (pos + 4 > text.length()) {
      throw error("has an invalid escape");
    }
    int value = 0;
    for (int i = 0; i < 4; i++) {
      int digit = Ascii.hexValue(text.charAt(pos++));
      if (digit < 0) {
        throw error("has an invalid escape");
      }
      value = value * 16 + digit;
    }
    return (char) value;
  }

  /** -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)? */
  private Object number() throws MalformedJsonException {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    if (peek() == '0') {
      pos++;
    } else if (digits() == 0) {
      throw error("has an invalid number");
    }
    boolean integral = true;
    if (peek() == '.') {
      pos++;
      integral = false;
      if (digits() == 0) {
        throw error("has an invalid number");
      }
    }
    if (peek() == 'e' || peek() == 'E') {
      pos++;
      integral = false;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      if (digits() == 0) {
        throw error("has an invalid number");
      }
    }
    String literal = text.substring(start, pos);
    if (integral && pos - start <= 20) {
      try {
        return Long.parseLong(literal);
      } catch (NumberFormatException beyondLong) {
        // falls through to a double, as jose4j does
      }
    }
    return Double.parseDouble(literal);
  }

  private int digits() {
    int start = pos;
    while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
      pos++;
    }
    return pos - start;
  }

  private void literal(String word) throws MalformedJsonException {
    if (!text.startsWith(word, pos)) {
      throw error("is not valid JSON");
    }
    pos += word.length();
  }

  private void whitespace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private void expect(char c) throws MalformedJsonException {
    if (next() != c) {
      throw error("is not valid JSON");
    }
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private char next() throws MalformedJsonException {
    if (pos >= text.length()) {
      throw error("is truncated");
    }
    return text.charAt(pos++);
  }

  private void checkDepth(int depth) throws MalformedJsonException {
    if (depth > MAX_DEPTH) {
      throw error("nests deeper than " + MAX_DEPTH);
    }
  }

  private MalformedJsonException error(String problem) {
    return new MalformedJsonException(what + " " + problem);
  }
}
