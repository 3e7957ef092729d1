package io.mcpauth.core.json;

import java.util.Collection;
import java.util.Map;

/**
 * Writes the JSON the agent sends and stores: maps (in their iteration order), collections,
 * strings, numbers, booleans and null. Every string is escaped, including U+2028/U+2029 and '<'
 * so that a document is safe to embed anywhere.
 */
public final class JsonWriter {

  private JsonWriter() {}

  public static String write(Object value) {
    StringBuilder out = new StringBuilder(128);
    append(out, value);
    return out.toString();
  }

  /** Appends one string as a JSON string, escaped as {@link #write} escapes it. */
  public static StringBuilder appendString(StringBuilder out, String text) {
    quote(out, text);
    return out;
  }

  private static void append(StringBuilder out, Object value) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String text) {
      quote(out, text);
    } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
      out.append(value);
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> member : map.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        quote(out, String.valueOf(member.getKey()));
        out.append(':');
        append(out, member.getValue());
      }
      out.append('}');
    } else if (value instanceof Collection<?> items) {
      out.append('[');
      boolean first = true;
      for (Object item : items) {
        if (!first) {
          out.append(',');
        }
        first = false;
        append(out, item);
      }
      out.append(']');
    } else if (value instanceof Number number && Double.isFinite(number.doubleValue())) {
      out.append(number);
    } else {
      throw new IllegalArgumentException("cannot write a " + value.getClass().getName() + " as JSON");
    }
  }

  private static void quote(StringBuilder out, String text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029 || Character.isSurrogate(c)
              && !validSurrogate(text, i)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /** A lone surrogate is escaped instead of becoming a replacement character in UTF-8. */
  private static boolean validSurrogate(String text, int i) {
    char c = text.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
  }
}
