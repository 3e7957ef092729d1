package io.mcpauth.core.json;

import io.mcpauth.core.text.Ascii;
import java.nio.charset.StandardCharsets;

/**
 * The one strict RFC 8259 reader of UTF-8 bytes, under both the JSON-RPC body peek (streaming,
 * by position) and {@link StrictJson} (a tree): the same rules for whitespace, strings, escapes,
 * UTF-8, numbers, literals, nesting and lengths. Everything it passes over is validated, also
 * what it does not keep. Beyond RFC 8259 it refuses invalid UTF-8 (overlong forms, encoded
 * surrogates), escapes that leave a lone surrogate, nesting deeper than {@link #MAX_DEPTH} and
 * names or numbers longer than Jackson takes. It allocates only the strings it returns; a
 * subclass turns a {@link Problem} into its own exception and wording.
 *
 * @param <E> what a refusal is thrown as
 */
public abstract class JsonLexer<E extends Exception> {

  /**
   * The top-level value is depth 1. Jackson 3 stops at 500; MCP messages and JWTs need a handful.
   * At most 65: {@link #skipValue} keeps one bit per level below the top in a {@code long}.
   */
  public static final int MAX_DEPTH = 64;
  /** Jackson's StreamReadConstraints limit is 50,000 chars; a name never has fewer bytes than chars. */
  public static final int MAX_NAME_BYTES = 50_000;
  /** Jackson's limit is 1,000 digits; a number token of 1,000 bytes stays within it. */
  public static final int MAX_NUMBER_BYTES = 1_000;

  /** Why the bytes are refused; {@link #ofTheBytes} problems are about the encoding, not the JSON. */
  public enum Problem {
    NOT_JSON("is not valid JSON", true),
    TRUNCATED("is truncated", false),
    INVALID_UTF8("is not valid UTF-8", true),
    CONTROL_CHARACTER("has a control character in a string", false),
    INVALID_ESCAPE("has an invalid escape", false),
    LONE_SURROGATE("has an escaped lone surrogate", false),
    INVALID_NUMBER("has an invalid number", false),
    LONG_NUMBER("has a number longer than " + MAX_NUMBER_BYTES + " characters", false),
    LONG_NAME("has a member name longer than " + MAX_NAME_BYTES + " bytes", false),
    TOO_DEEP("nests deeper than " + MAX_DEPTH + " levels", false);

    private final String phrase;
    private final boolean ofTheBytes;

    Problem(String phrase, boolean ofTheBytes) {
      this.phrase = phrase;
      this.ofTheBytes = ofTheBytes;
    }

    /** The predicate, e.g. "has an invalid escape": the caller names the subject. */
    public String phrase() {
      return phrase;
    }

    public boolean ofTheBytes() {
      return ofTheBytes;
    }
  }

  /** What {@link #nextCodePoint} returns after a string's closing quote. */
  protected static final int END_OF_STRING = -1;

  protected final byte[] in;
  protected final int end;
  protected int pos;

  protected JsonLexer(byte[] in, int length) {
    this.in = in;
    this.end = length;
  }

  /** The refusal for {@code problem}, to throw. */
  protected abstract E error(Problem problem);

  // ---- structure

  /** RFC 8259 §2: space, tab, line feed, carriage return; nothing else (no BOM, no NBSP). */
  public void whitespace() {
    int p = pos;
    while (p < end) {
      byte b = in[p];
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
        break;
      }
      p++;
    }
    pos = p;
  }

  /** The next byte (0-255), or -1 at the end of the body. */
  public int peek() {
    return pos < end ? in[pos] & 0xFF : -1;
  }

  public boolean atEnd() {
    return pos >= end;
  }

  public void expect(char c) throws E {
    if (peek() != c) {
      throw malformed();
    }
    pos++;
  }

  /** Consumes {@code c} when it comes next. */
  public boolean consume(char c) {
    if (peek() == c) {
      pos++;
      return true;
    }
    return false;
  }

  // ---- values

  /** Reads the string at the cursor. */
  public String readString() throws E {
    pos++; // '"'
    int start = pos;
    while (pos < end) {
      byte b = in[pos];
      if (b == '"') {
        String plain = new String(in, start, pos - start, StandardCharsets.ISO_8859_1);
        pos++;
        return plain;
      }
      if (b < 0x20 || b == '\\') { // also every byte >= 0x80, which is negative
        break;
      }
      pos++;
    }
    StringBuilder out = new StringBuilder(pos - start + 16);
    for (int i = start; i < pos; i++) {
      out.append((char) in[i]);
    }
    for (int c = nextCodePoint(); c != END_OF_STRING; c = nextCodePoint()) {
      out.appendCodePoint(c);
    }
    return out.toString();
  }

  /** Reads the string at the cursor and tells whether it is {@code ascii}, without building it. */
  public boolean readStringEquals(String ascii) throws E {
    pos++; // '"'
    int matched = 0;
    boolean equal = true;
    for (int c = nextCodePoint(); c != END_OF_STRING; c = nextCodePoint()) {
      if (equal && matched < ascii.length() && ascii.charAt(matched) == c) {
        matched++;
      } else {
        equal = false;
      }
    }
    return equal && matched == ascii.length();
  }

  /** Whether the value at the cursor is the literal {@code null} (not consumed). */
  public boolean isNull() {
    return peek() == 'n';
  }

  /**
   * Reads the value at the cursor when it is a number and tells whether it is an integer literal
   * (no fraction, no exponent) within [min, max]; false, and nothing read, for any other value.
   */
  public boolean readIntegerWithin(long min, long max) throws E {
    int c = peek();
    if (c != '-' && (c < '0' || c > '9')) {
      return false;
    }
    int start = pos;
    return number() && integerWithin(start, pos, min, max);
  }

  /**
   * Validates and passes over one value of any shape; {@code depth} is that of the container
   * holding it. Nested containers are tracked in a bit stack (1 = object), one bit per level.
   */
  public void skipValue(int depth) throws E {
    int level = 0;
    long objects = 0;
    while (true) {
      whitespace();
      int c = peek();
      boolean closed = false;
      if (c == '{' || c == '[') {
        if (depth + level + 1 > MAX_DEPTH) {
          throw error(Problem.TOO_DEEP);
        }
        pos++;
        level++;
        boolean object = c == '{';
        objects = object ? objects | 1L << (level - 1) : objects & ~(1L << (level - 1));
        whitespace();
        if (consume(object ? '}' : ']')) {
          level--;
          closed = true;
        } else if (object) {
          memberNameAndColon();
          continue;
        } else {
          continue;
        }
      }
      if (!closed) {
        scalar();
      }
      // After a value: close containers until a ',' asks for the next value.
      while (true) {
        if (level == 0) {
          return;
        }
        whitespace();
        boolean object = (objects >>> (level - 1) & 1) != 0;
        if (consume(',')) {
          if (object) {
            whitespace();
            memberNameAndColon();
          }
          break;
        }
        expect(object ? '}' : ']');
        level--;
      }
    }
  }

  private void memberNameAndColon() throws E {
    if (peek() != '"') {
      throw malformed();
    }
    int start = pos;
    skipString();
    checkNameLength(start);
    whitespace();
    expect(':');
  }

  private void scalar() throws E {
    int c = peek();
    switch (c) {
      case '"' -> skipString();
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> {
        if (c != '-' && (c < '0' || c > '9')) {
          throw malformed();
        }
        number();
      }
    }
  }

  protected void skipString() throws E {
    int p = pos + 1; // after '"'
    while (true) {
      // Plain ASCII, the bulk of any body, in a tight loop on a local index.
      while (p < end) {
        byte b = in[p];
        if (b < 0x20 || b == '"' || b == '\\') {
          break;
        }
        p++;
      }
      pos = p;
      if (nextCodePoint() == END_OF_STRING) {
        return;
      }
      p = pos;
    }
  }

  protected void literal(String word) throws E {
    if (end - pos < word.length()) {
      throw malformed();
    }
    for (int i = 0; i < word.length(); i++) {
      if (in[pos + i] != word.charAt(i)) {
        throw malformed();
      }
    }
    pos += word.length();
  }

  /** -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)? ; true when there is no fraction or exponent. */
  protected boolean number() throws E {
    int start = pos;
    consume('-');
    if (!consume('0') && digits() == 0) {
      throw error(Problem.INVALID_NUMBER);
    }
    boolean integral = true;
    if (consume('.')) {
      integral = false;
      if (digits() == 0) {
        throw error(Problem.INVALID_NUMBER);
      }
    }
    if (consume('e') || consume('E')) {
      integral = false;
      if (!consume('+')) {
        consume('-');
      }
      if (digits() == 0) {
        throw error(Problem.INVALID_NUMBER);
      }
    }
    if (pos - start > MAX_NUMBER_BYTES) {
      throw error(Problem.LONG_NUMBER);
    }
    return integral;
  }

  private int digits() {
    int p = pos;
    while (p < end && in[p] >= '0' && in[p] <= '9') {
      p++;
    }
    int count = p - pos;
    pos = p;
    return count;
  }

  /** The integer literal in [from, to) lies within [min, max]; accumulated negatively to reach Long.MIN_VALUE. */
  private boolean integerWithin(int from, int to, long min, long max) {
    boolean negative = in[from] == '-';
    long value = 0;
    for (int i = negative ? from + 1 : from; i < to; i++) {
      int digit = in[i] - '0';
      if (value < Long.MIN_VALUE / 10 || value * 10 < Long.MIN_VALUE + digit) {
        return false;
      }
      value = value * 10 - digit;
    }
    if (!negative) {
      if (value == Long.MIN_VALUE) {
        return false;
      }
      value = -value;
    }
    return value >= min && value <= max;
  }

  protected void checkNameLength(int openingQuote) throws E {
    if (pos - openingQuote - 2 > MAX_NAME_BYTES) {
      throw error(Problem.LONG_NAME);
    }
  }

  // ---- inside strings

  /** The next character of the string being read, or END_OF_STRING after its closing quote. */
  protected int nextCodePoint() throws E {
    if (pos >= end) {
      throw malformed();
    }
    byte b = in[pos];
    if (b >= 0x20) {
      if (b == '"') {
        pos++;
        return END_OF_STRING;
      }
      if (b == '\\') {
        return escape();
      }
      pos++;
      return b;
    }
    if (b < 0) {
      return utf8();
    }
    throw error(Problem.CONTROL_CHARACTER);
  }

  /** RFC 8259 §7; a \\u escape of a surrogate must be one half of a pair (RFC 8259 §8.2). */
  private int escape() throws E {
    pos++; // '\'
    if (pos >= end) {
      throw malformed();
    }
    byte e = in[pos++];
    switch (e) {
      case '"', '\\', '/':
        return e;
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'u':
        int unit = hex4();
        if (Character.isLowSurrogate((char) unit)) {
          throw error(Problem.LONE_SURROGATE);
        }
        if (!Character.isHighSurrogate((char) unit)) {
          return unit;
        }
        if (end - pos < 6 || in[pos] != '\\' || in[pos + 1] != 'u') {
          throw error(Problem.LONE_SURROGATE);
        }
        pos += 2;
        int low = hex4();
        if (!Character.isLowSurrogate((char) low)) {
          throw error(Problem.LONE_SURROGATE);
        }
        return Character.toCodePoint((char) unit, (char) low);
      default:
        throw error(Problem.INVALID_ESCAPE);
    }
  }

  private int hex4() throws E {
    if (end - pos < 4) {
      throw error(Problem.INVALID_ESCAPE);
    }
    int value = 0;
    for (int i = 0; i < 4; i++) {
      int digit = Ascii.hexValue((char) (in[pos++] & 0xFF));
      if (digit < 0) {
        throw error(Problem.INVALID_ESCAPE);
      }
      value = value << 4 | digit;
    }
    return value;
  }

  /** One UTF-8 sequence, well-formed per the Unicode Standard, Table 3-7. */
  private int utf8() throws E {
    int lead = in[pos] & 0xFF;
    int length;
    int min;
    int max;
    int codePoint;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
      min = 0x80;
      max = 0xBF;
      codePoint = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      min = lead == 0xE0 ? 0xA0 : 0x80; // E0 80..9F: overlong
      max = lead == 0xED ? 0x9F : 0xBF; // ED A0..BF: surrogates
      codePoint = lead & 0x0F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      min = lead == 0xF0 ? 0x90 : 0x80; // F0 80..8F: overlong
      max = lead == 0xF4 ? 0x8F : 0xBF; // F4 90..: beyond U+10FFFF
      codePoint = lead & 0x07;
    } else {
      throw error(Problem.INVALID_UTF8); // continuation byte, C0/C1 (overlong) or F5..FF
    }
    if (end - pos < length) {
      throw error(Problem.INVALID_UTF8);
    }
    for (int i = 1; i < length; i++) {
      int next = in[pos + i] & 0xFF;
      if (next < (i == 1 ? min : 0x80) || next > (i == 1 ? max : 0xBF)) {
        throw error(Problem.INVALID_UTF8);
      }
      codePoint = codePoint << 6 | (next & 0x3F);
    }
    pos += length;
    return codePoint;
  }

  // ---- errors

  /** Truncated at the end, else not JSON: for a byte that cannot come next. */
  public E malformed() {
    return error(pos >= end ? Problem.TRUNCATED : Problem.NOT_JSON);
  }
}
