package io.mcpauth.core.rpc;

import io.mcpauth.core.text.Ascii;
import static io.mcpauth.core.rpc.PeekRejectedException.badRequest;

import java.nio.charset.StandardCharsets;

/**
 * A strict RFC 8259 reader over the UTF-8 bytes of a body, for the peek. Everything it passes
 * over is validated, also what it does not keep: the server parses the whole body, so the peek
 * accepts only what the server's Jackson parser also accepts, and less. Beyond RFC 8259 it refuses
 * invalid UTF-8 (overlong forms, encoded surrogates), escapes that leave a lone surrogate, nesting
 * deeper than {@link #MAX_DEPTH} and names or numbers longer than Jackson takes. Nesting is walked
 * with a loop and a bit stack, never recursion. It allocates only the strings it returns.
 */
final class JsonCursor {

  /** The top-level object is depth 1. Jackson 3 stops at 500; MCP messages need a handful. */
  static final int MAX_DEPTH = 64;
  /** Jackson's StreamReadConstraints limit is 50,000 chars; a name never has fewer bytes than chars. */
  static final int MAX_NAME_BYTES = 50_000;
  /** Jackson's limit is 1,000 digits; a whole number token of 1,000 bytes stays within it. */
  static final int MAX_NUMBER_BYTES = 1_000;

  private static final int END_OF_STRING = -1;

  private final byte[] in;
  private final int end;
  private int pos;

  JsonCursor(byte[] in, int length) {
    this.in = in;
    this.end = length;
  }

  // ---- structure

  /** RFC 8259 §2: space, tab, line feed, carriage return; nothing else (no BOM, no NBSP). */
  void whitespace() {
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
  int peek() {
    return pos < end ? in[pos] & 0xFF : -1;
  }

  boolean atEnd() {
    return pos >= end;
  }

  void expect(char c) throws PeekRejectedException {
    if (peek() != c) {
      throw malformed();
    }
    pos++;
  }

  /** Consumes {@code c} when it comes next. */
  boolean consume(char c) {
    if (peek() == c) {
      pos++;
      return true;
    }
    return false;
  }

  // ---- values the peek keeps

  /** Reads the string at the cursor. */
  String readString() throws PeekRejectedException {
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
  boolean readStringEquals(String ascii) throws PeekRejectedException {
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

  /**
   * Reads the member name at the cursor: its index in {@code names}, a
   * {@link MemberNames#lookAlike} code for a name that only looks like one of them, or
   * {@link MemberNames#OTHER}.
   */
  int memberName(MemberNames names) throws PeekRejectedException {
    int start = pos;
    pos++; // '"'
    long exact = 0;
    int exactLength = 0; // -1 once it cannot be one of the names
    long folded = 0;
    int foldedLength = 0;
    for (int c = nextCodePoint(); c != END_OF_STRING; c = nextCodePoint()) {
      if (exactLength >= 0) {
        if (c > 0x7F || exactLength == MemberNames.MAX_PACKED) {
          exactLength = -1;
        } else {
          exact = exact << 8 | c;
          exactLength++;
        }
      }
      if (foldedLength >= 0 && !MemberNames.ignorable(c)) {
        int f = MemberNames.fold(c);
        if (f > 0x7F || foldedLength == MemberNames.MAX_PACKED) {
          foldedLength = -1;
        } else {
          folded = folded << 8 | f;
          foldedLength++;
        }
      }
    }
    checkNameLength(start);
    int index = exactLength < 0 ? MemberNames.OTHER : names.indexOf(exact, exactLength);
    return index != MemberNames.OTHER || foldedLength < 0 ? index : names.lookAlikeOf(folded, foldedLength);
  }

  /** Whether the value at the cursor is the literal {@code null} (not consumed). */
  boolean isNull() {
    return peek() == 'n';
  }

  /**
   * Reads the value at the cursor when it is a number and tells whether it is an integer literal
   * (no fraction, no exponent) within [min, max]; false, and nothing read, for any other value.
   */
  boolean readIntegerWithin(long min, long max) throws PeekRejectedException {
    int c = peek();
    if (c != '-' && (c < '0' || c > '9')) {
      return false;
    }
    int start = pos;
    return number() && integerWithin(start, pos, min, max);
  }

  // ---- values the peek only validates

  /**
   * Validates and passes over one value of any shape; {@code depth} is that of the container
   * holding it. Nested containers are tracked in a bit stack (1 = object), one bit per level.
   */
  void skipValue(int depth) throws PeekRejectedException {
    int level = 0;
    long objects = 0;
    while (true) {
      whitespace();
      int c = peek();
      boolean closed = false;
      if (c == '{' || c == '[') {
        if (depth + level + 1 > MAX_DEPTH) {
          throw badRequest("the JSON nests deeper than " + MAX_DEPTH + " levels");
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

  private void memberNameAndColon() throws PeekRejectedException {
    if (peek() != '"') {
      throw malformed();
    }
    int start = pos;
    skipString();
    checkNameLength(start);
    whitespace();
    expect(':');
  }

  private void scalar() throws PeekRejectedException {
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

  private void skipString() throws PeekRejectedException {
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

  private void literal(String word) throws PeekRejectedException {
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
  private boolean number() throws PeekRejectedException {
    int start = pos;
    consume('-');
    if (!consume('0') && digits() == 0) {
      throw badRequest("the JSON has an invalid number");
    }
    boolean integral = true;
    if (consume('.')) {
      integral = false;
      if (digits() == 0) {
        throw badRequest("the JSON has an invalid number");
      }
    }
    if (consume('e') || consume('E')) {
      integral = false;
      if (!consume('+')) {
        consume('-');
      }
      if (digits() == 0) {
        throw badRequest("the JSON has an invalid number");
      }
    }
    if (pos - start > MAX_NUMBER_BYTES) {
      throw badRequest("the JSON has a number longer than " + MAX_NUMBER_BYTES + " characters");
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

  private void checkNameLength(int openingQuote) throws PeekRejectedException {
    if (pos - openingQuote - 2 > MAX_NAME_BYTES) {
      throw badRequest("the JSON has a member name longer than " + MAX_NAME_BYTES + " bytes");
    }
  }

  // ---- inside strings

  /** The next character of the string being read, or END_OF_STRING after its closing quote. */
  private int nextCodePoint() throws PeekRejectedException {
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
    throw badRequest("the JSON has a control character in a string");
  }

  /** RFC 8259 §7; a \\u escape of a surrogate must be one half of a pair (RFC 8259 §8.2). */
  private int escape() throws PeekRejectedException {
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
          throw loneSurrogate();
        }
        if (!Character.isHighSurrogate((char) unit)) {
          return unit;
        }
        if (end - pos < 6 || in[pos] != '\\' || in[pos + 1] != 'u') {
          throw loneSurrogate();
        }
        pos += 2;
        int low = hex4();
        if (!Character.isLowSurrogate((char) low)) {
          throw loneSurrogate();
        }
        return Character.toCodePoint((char) unit, (char) low);
      default:
        throw badRequest("the JSON has an invalid escape");
    }
  }

  private int hex4() throws PeekRejectedException {
    if (end - pos < 4) {
      throw badRequest("the JSON has an invalid escape");
    }
    int value = 0;
    for (int i = 0; i < 4; i++) {
      int digit = Ascii.hexValue((char) (in[pos++] & 0xFF));
      if (digit < 0) {
        throw badRequest("the JSON has an invalid escape");
      }
      value = value << 4 | digit;
    }
    return value;
  }

  /** One UTF-8 sequence, well-formed per the Unicode Standard, Table 3-7. */
  private int utf8() throws PeekRejectedException {
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
      throw invalidUtf8(); // continuation byte, C0/C1 (overlong) or F5..FF
    }
    if (end - pos < length) {
      throw invalidUtf8();
    }
    for (int i = 1; i < length; i++) {
      int next = in[pos + i] & 0xFF;
      if (next < (i == 1 ? min : 0x80) || next > (i == 1 ? max : 0xBF)) {
        throw invalidUtf8();
      }
      codePoint = codePoint << 6 | (next & 0x3F);
    }
    pos += length;
    return codePoint;
  }

  // ---- errors

  PeekRejectedException malformed() {
    return badRequest(pos >= end ? "the JSON is truncated" : "the body is not valid JSON");
  }

  private static PeekRejectedException invalidUtf8() {
    return badRequest("the body is not valid UTF-8");
  }

  private static PeekRejectedException loneSurrogate() {
    return badRequest("the JSON has an escaped lone surrogate");
  }
}
