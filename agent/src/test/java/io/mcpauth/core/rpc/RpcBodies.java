package io.mcpauth.core.rpc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Random JSON-RPC bodies for the differential test: valid MCP messages first, then mutations of
 * them aimed at the places a peek and a server can part ways. Values are a small model (objects
 * keep duplicate and ordered members) written out with random whitespace and escapes.
 */
final class RpcBodies {

  /** A JSON object whose members may repeat. */
  static final class Obj {
    final List<Object[]> members = new ArrayList<>();

    Obj put(String key, Object value) {
      members.add(new Object[] {key, value});
      return this;
    }

    Object get(String key) {
      for (Object[] member : members) {
        if (member[0].equals(key)) {
          return member[1];
        }
      }
      return null;
    }

    void remove(String key) {
      members.removeIf(member -> member[0].equals(key));
    }

    void replace(String key, Object value) {
      for (Object[] member : members) {
        if (member[0].equals(key)) {
          member[1] = value;
        }
      }
    }

    void rename(String key, String newKey) {
      for (Object[] member : members) {
        if (member[0].equals(key)) {
          member[0] = newKey;
        }
      }
    }
  }

  /** A number written exactly as given. */
  record Num(String literal) {}

  /** JSON null (a Java null is never a value here). */
  static final Object NULL = new Object();

  static final String[] METHODS = {"tools/call", "tools/call", "tools/call", "prompts/get", "resources/read",
      "resources/subscribe", "resources/unsubscribe", "tools/list", "ping", "initialize", "prompts/list",
      "resources/list", "completion/complete", "logging/setLevel"};
  static final String[] NOTIFICATIONS = {"notifications/initialized", "notifications/cancelled",
      "notifications/progress", "notifications/roots/list_changed", "tools/call"};
  static final String[] TOOL_NAMES = {"echo", "add", "whoami", "read", "delete", "admin.reset", "files/write", "caf\u00e9",
      "\u5de5\u5177", "\ud83d\ude00tool", "a\"b", "back\\slash", "", "tab\there", "nul\u0000x", "line\u2028sep", "x".repeat(300)};
  static final String[] URIS = {"file:///etc/motd", "https://example.com/a?b=c#d", "db://users/42", "mem://caf\u00e9",
      "ui://\ud83d\ude00", "file:///C:/x\\y", "urn:x:" + "y".repeat(200)};
  static final String[] KEYS = {"a", "name", "uri", "method", "Name", "id", "text", "query", "_meta", "k\u00e9y", "\u0000", ""};

  private final Random random;

  RpcBodies(long seed) {
    this.random = new Random(seed);
  }

  // ---- valid messages

  Obj message() {
    int kind = random.nextInt(20);
    Obj message = new Obj().put("jsonrpc", "2.0");
    if (kind < 15) {
      message.put("id", id());
      String method = pick(METHODS);
      message.put("method", method);
      Object params = params(method);
      if (params != null) {
        message.put("params", params);
      }
    } else if (kind < 17) {
      String method = pick(NOTIFICATIONS);
      message.put("method", method);
      Object params = params(method);
      if (params != null && random.nextBoolean()) {
        message.put("params", params);
      }
    } else {
      message.put("id", id());
      if (kind < 19) {
        message.put("result", random.nextBoolean() ? object(3) : List.of(value(2))); // never null
        if (random.nextInt(4) == 0) {
          message.put("error", NULL);
        }
      } else {
        Obj error = new Obj().put("code", new Num(Integer.toString(-32768 + random.nextInt(1000))))
            .put("message", string());
        if (random.nextBoolean()) {
          error.put("data", value(2));
        }
        message.put("error", error);
      }
    }
    Collections.shuffle(message.members, random);
    return message;
  }

  private Object params(String method) {
    switch (method) {
      case "tools/call":
      case "prompts/get":
        Obj named = new Obj().put("name", pick(TOOL_NAMES));
        if (random.nextInt(4) > 0) {
          named.put("arguments", object(3));
        }
        if (random.nextInt(5) == 0) {
          named.put("_meta", new Obj().put("progressToken", new Num("7")));
        }
        Collections.shuffle(named.members, random);
        return named;
      case "resources/read":
      case "resources/subscribe":
      case "resources/unsubscribe":
        return new Obj().put("uri", pick(URIS));
      default:
        return random.nextInt(3) == 0 ? null : object(2);
    }
  }

  private Object id() {
    switch (random.nextInt(5)) {
      case 0:
        return string();
      case 1:
        return new Num(Long.toString(random.nextLong()));
      case 2:
        return new Num(Long.toString(Long.MIN_VALUE));
      default:
        return new Num(Integer.toString(random.nextInt(1000)));
    }
  }

  Obj object(int depth) {
    Obj object = new Obj();
    int size = random.nextInt(4);
    for (int i = 0; i < size; i++) {
      object.put(random.nextInt(3) == 0 ? pick(KEYS) : string(), value(depth - 1));
    }
    return object;
  }

  Object value(int depth) {
    switch (random.nextInt(depth > 0 ? 8 : 6)) {
      case 0:
        return string();
      case 1:
        return number();
      case 2:
        return random.nextBoolean();
      case 3:
        return NULL;
      case 4:
        return pick(TOOL_NAMES);
      case 5:
        return new Num(Integer.toString(random.nextInt()));
      case 6:
        return object(depth);
      default:
        List<Object> array = new ArrayList<>();
        int size = random.nextInt(4);
        for (int i = 0; i < size; i++) {
          array.add(value(depth - 1));
        }
        return array;
    }
  }

  Num number() {
    String[] shapes = {"0", "-0", "1", "-17", "3.25", "-0.5e-3", "1E+2", "6.02e23", "1e400", "123456789012345678901234567890",
        "9223372036854775807", "-9223372036854775808", "0.1", "2.5E-300"};
    return new Num(pick(shapes));
  }

  String string() {
    StringBuilder out = new StringBuilder();
    int length = random.nextInt(12);
    for (int i = 0; i < length; i++) {
      switch (random.nextInt(10)) {
        case 0 -> out.append((char) random.nextInt(0x20)); // a control character, escaped when written
        case 1 -> out.append("\"\\/".charAt(random.nextInt(3)));
        case 2 -> out.append((char) (0xA0 + random.nextInt(0x60)));
        case 3 -> out.append((char) (0x4E00 + random.nextInt(0x100)));
        case 4 -> out.appendCodePoint(0x1F600 + random.nextInt(0x40));
        case 5 -> out.append(random.nextBoolean() ? '\u2028' : '\uFFFF');
        default -> out.append((char) (0x20 + random.nextInt(0x5F)));
      }
    }
    return out.toString();
  }

  // ---- mutations: each returns the bytes of a body

  /** The kinds of mutation, by name, for the tally. */
  static final String[] MUTATIONS = {"duplicate top-level member", "duplicate params member", "case variant",
      "NUL or invisible affix", "escaped duplicate", "value type swap", "structure", "deep nesting", "number forms",
      "unicode", "text edit", "byte edit", "batch"};

  byte[] mutate(int mutation, Obj message) {
    Obj params = message.get("params") instanceof Obj p ? p : null;
    switch (mutation) {
      case 0 -> {
        String key = pick(new String[] {"method", "params", "id", "jsonrpc", "result", "error"});
        message.members.add(random.nextInt(message.members.size() + 1),
            new Object[] {key, key.equals("method") ? pick(METHODS) : value(2)});
      }
      case 1 -> {
        Obj target = params != null ? params : new Obj();
        target.put(random.nextBoolean() ? "name" : "uri", random.nextBoolean() ? pick(TOOL_NAMES) : value(1));
        Collections.shuffle(target.members, random);
        if (params == null) {
          message.put("params", target);
        }
      }
      case 2 -> {
        Obj target = target(message, params);
        String key = (String) pick(target.members.toArray(new Object[0][]))[0];
        String variant = caseVariant(key);
        if (random.nextBoolean()) {
          target.rename(key, variant);
        } else {
          target.put(variant, random.nextBoolean() ? pick(METHODS) : pick(TOOL_NAMES));
        }
      }
      case 3 -> {
        Obj target = target(message, params);
        String key = (String) pick(target.members.toArray(new Object[0][]))[0];
        String affix = pick(new String[] {"\u0000", "\u200b", "\ufeff", " ", "\t", "\u00ad", "\u0301", "\u202e"});
        String affixed = random.nextBoolean() ? key + affix : affix + key;
        target.put(affixed, random.nextBoolean() ? pick(METHODS) : pick(TOOL_NAMES));
      }
      case 4 -> {
        Obj target = target(message, params);
        String key = (String) pick(target.members.toArray(new Object[0][]))[0];
        target.put(key, pick(TOOL_NAMES));
        return write(message, 1.0).getBytes(StandardCharsets.UTF_8); // every key character escaped
      }
      case 5 -> {
        Obj target = target(message, params);
        String key = (String) pick(target.members.toArray(new Object[0][]))[0];
        Object[] values = {new Num("7"), new Num("7.5"), new Num("1e2"), true, false, NULL, new Obj(),
            new Obj().put("name", "read"), List.of("read"), List.of(), "2.0", string(),
            new Num("9223372036854775808"), new Num("-0"), new Num("2147483648")};
        target.replace(key, pick(values));
      }
      case 6 -> {
        switch (random.nextInt(6)) {
          case 0 -> message.remove("id");
          case 1 -> message.remove("method");
          case 2 -> message.remove("jsonrpc");
          case 3 -> message.put("result", random.nextBoolean() ? NULL : value(1));
          case 4 -> message.put("error", random.nextBoolean() ? NULL
              : new Obj().put("code", random.nextBoolean() ? new Num("1") : "1").put("message", "m"));
          default -> message.members.clear();
        }
      }
      case 7 -> {
        int depth = 55 + random.nextInt(20);
        Object nested = new Num("1");
        for (int i = 0; i < depth; i++) {
          nested = random.nextBoolean() ? List.of(nested) : new Obj().put("a", nested);
        }
        (params != null ? params : message).put("deep", nested);
      }
      case 8 -> {
        String[] forms = {"01", "-01", "00", "1.", ".5", "-", "+1", "1e", "1e+", "0x10", "1_000", "NaN", "-Infinity",
            "1" .repeat(1001), "1".repeat(999), "-" + "9".repeat(1000), "0." + "5".repeat(998), "1e" + "9".repeat(998),
            "1.0", "-0.0", "1E400", "4.9e-324"};
        Obj target = random.nextBoolean() ? message : params != null ? params : message;
        if (random.nextBoolean()) {
          target.put("n", new Num(pick(forms)));
        } else {
          target.replace(random.nextBoolean() ? "id" : "code", new Num(pick(forms)));
        }
      }
      case 9 -> {
        String[] texts = {"\\ud800", "\\udc00x", "\\ud83d\\ude00", "\\ud83d", "\\u0000", "\\uFFFF", "\\u00e9", "\\uDBFF\\uDFFF"};
        String text = write(message, 0.1);
        int at = text.indexOf("\":\"");
        if (at > 0) {
          text = text.substring(0, at + 3) + pick(texts) + text.substring(at + 3);
        }
        if (random.nextInt(4) == 0) {
          text = pick(new String[] {"\ufeff", "\u00a0", "\u2028", "\u3000"}) + text;
        }
        return text.getBytes(StandardCharsets.UTF_8);
      }
      case 10 -> {
        String text = write(message, 0.1);
        String[] edits = {" x", " {}", "\n{\"method\":\"tools/call\"}", "/*c*/", "//c\n", ",", "\u0000", "'", "]", "}", "\u000b",
            "\f", "\u00a0"};
        int at = random.nextInt(text.length() + 1);
        return (text.substring(0, at) + pick(edits) + text.substring(at)).getBytes(StandardCharsets.UTF_8);
      }
      case 11 -> {
        byte[] bytes = write(message, 0.1).getBytes(StandardCharsets.UTF_8);
        int at = random.nextInt(bytes.length);
        byte[] out;
        switch (random.nextInt(3)) {
          case 0 -> {
            out = bytes.clone();
            out[at] = (byte) random.nextInt(256);
          }
          case 1 -> {
            out = new byte[bytes.length + 1];
            System.arraycopy(bytes, 0, out, 0, at);
            out[at] = (byte) (0x80 + random.nextInt(0x80));
            System.arraycopy(bytes, at, out, at + 1, bytes.length - at);
          }
          default -> {
            out = new byte[bytes.length - 1];
            System.arraycopy(bytes, 0, out, 0, at);
            System.arraycopy(bytes, at + 1, out, at, bytes.length - at - 1);
          }
        }
        return out;
      }
      default -> {
        return ("[" + write(message, 0.1) + (random.nextBoolean() ? "," + write(message(), 0.1) : "") + "]")
            .getBytes(StandardCharsets.UTF_8);
      }
    }
    return write(message, 0.1).getBytes(StandardCharsets.UTF_8);
  }

  /** params when it has members and the coin says so, else the message itself. */
  private Obj target(Obj message, Obj params) {
    return params != null && !params.members.isEmpty() && random.nextBoolean() ? params : message;
  }

  private String caseVariant(String key) {
    if (key.isEmpty()) {
      return "X";
    }
    switch (random.nextInt(4)) {
      case 0:
        return key.toUpperCase(java.util.Locale.ROOT);
      case 1:
        return Character.toUpperCase(key.charAt(0)) + key.substring(1);
      case 2:
        return key.replace('i', '\u0131').replace('s', '\u017f').replace('k', '\u212a');
      default:
        int at = random.nextInt(key.length());
        char c = key.charAt(at);
        return key.substring(0, at) + (Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c))
            + key.substring(at + 1);
    }
  }

  // ---- writing

  /** Writes a value with random RFC 8259 whitespace; each character of a string is escaped with the given odds. */
  String write(Object value, double escapeOdds) {
    StringBuilder out = new StringBuilder();
    space(out);
    write(value, escapeOdds, out);
    space(out);
    return out.toString();
  }

  private void write(Object value, double escapeOdds, StringBuilder out) {
    if (value instanceof Obj object) {
      out.append('{');
      for (int i = 0; i < object.members.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        space(out);
        string((String) object.members.get(i)[0], escapeOdds, out);
        space(out);
        out.append(':');
        space(out);
        write(object.members.get(i)[1], escapeOdds, out);
        space(out);
      }
      out.append('}');
    } else if (value instanceof List<?> list) {
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        space(out);
        write(list.get(i), escapeOdds, out);
        space(out);
      }
      out.append(']');
    } else if (value instanceof String text) {
      string(text, escapeOdds, out);
    } else if (value instanceof Num number) {
      out.append(number.literal());
    } else if (value instanceof Boolean bool) {
      out.append(bool);
    } else if (value == NULL) {
      out.append("null");
    } else {
      throw new IllegalArgumentException(String.valueOf(value));
    }
  }

  private void string(String text, double escapeOdds, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c == '/' && random.nextInt(3) == 0) {
        out.append("\\/");
      } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && random.nextDouble() < escapeOdds) {
        out.append(String.format("\\u%04x\\u%04x", (int) c, (int) text.charAt(++i))); // both halves of the pair
      } else if (Character.isSurrogate(c)) {
        out.append(c);
      } else if (c < 0x20 || random.nextDouble() < escapeOdds) {
        String shortForm = switch (c) {
          case '\b' -> "\\b";
          case '\f' -> "\\f";
          case '\n' -> "\\n";
          case '\r' -> "\\r";
          case '\t' -> "\\t";
          default -> null;
        };
        out.append(shortForm != null && random.nextBoolean() ? shortForm
            : String.format(random.nextBoolean() ? "\\u%04x" : "\\u%04X", (int) c));
      } else {
        out.append(c);
      }
    }
    out.append('"');
  }

  private void space(StringBuilder out) {
    if (random.nextInt(4) == 0) {
      int n = 1 + random.nextInt(3);
      for (int i = 0; i < n; i++) {
        out.append(" \t\r\n".charAt(random.nextInt(4)));
      }
    }
  }

  private <T> T pick(T[] options) {
    return options[random.nextInt(options.length)];
  }
}
