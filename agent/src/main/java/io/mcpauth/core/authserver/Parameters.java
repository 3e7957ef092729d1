package io.mcpauth.core.authserver;

import io.mcpauth.core.text.Ascii;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parameters of a query string or an {@code application/x-www-form-urlencoded} body, decoded
 * strictly: a bad {@code %} escape or invalid UTF-8 is an error, not a guess. RFC 6749 §3.1: a
 * parameter sent twice is an error wherever one value is read ({@link #single}).
 */
final class Parameters {

  static final Parameters EMPTY = new Parameters(Map.of());
  private static final int MAX_PARAMETERS = 100;

  /** The request's parameters cannot be read; the message is safe to show. */
  static final class MalformedException extends Exception {
    MalformedException(String message) {
      super(message, null, false, false);
    }
  }

  private final Map<String, List<String>> values;

  private Parameters(Map<String, List<String>> values) {
    this.values = values;
  }

  static Parameters parse(String encoded) throws MalformedException {
    if (encoded == null || encoded.isEmpty()) {
      return EMPTY;
    }
    Map<String, List<String>> values = new LinkedHashMap<>();
    int count = 0;
    for (String pair : encoded.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      if (++count > MAX_PARAMETERS) {
        throw new MalformedException("too many parameters");
      }
      int equals = pair.indexOf('=');
      String name = decode(equals < 0 ? pair : pair.substring(0, equals));
      String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
      if (name.isEmpty()) {
        throw new MalformedException("a parameter has an empty name");
      }
      values.computeIfAbsent(name, n -> new ArrayList<>(1)).add(value);
    }
    return new Parameters(values);
  }

  /** The one value of {@code name}; null when absent or empty (RFC 6749 §3.1: empty means omitted). */
  String single(String name) throws MalformedException {
    List<String> list = values.get(name);
    if (list == null) {
      return null;
    }
    if (list.size() > 1) {
      throw new MalformedException("parameter '" + name + "' is repeated");
    }
    String value = list.get(0);
    return value.isEmpty() ? null : value;
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  /** Form-urlencoded {@code text} decoded: %XX with ASCII hex digits, + as space, UTF-8, ASCII otherwise. */
  static String decode(String text) throws MalformedException {
    if (text.indexOf('%') < 0 && text.indexOf('+') < 0 && text.chars().allMatch(c -> c <= 0x7f)) {
      return text;
    }
    ByteBuffer bytes = ByteBuffer.allocate(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '+') {
        bytes.put((byte) ' ');
      } else if (c == '%') {
        if (i + 2 >= text.length()) {
          throw new MalformedException("a parameter has a truncated % escape");
        }
        int high = Ascii.hexValue(text.charAt(i + 1));
        int low = Ascii.hexValue(text.charAt(i + 2));
        if (high < 0 || low < 0) {
          throw new MalformedException("a parameter has an invalid % escape");
        }
        bytes.put((byte) (high << 4 | low));
        i += 2;
      } else if (c > 0x7f) {
        throw new MalformedException("a parameter has an unescaped non-ASCII character");
      } else {
        bytes.put((byte) c);
      }
    }
    bytes.flip();
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(bytes)
          .toString();
    } catch (CharacterCodingException e) {
      throw new MalformedException("a parameter is not valid UTF-8");
    }
  }
}
