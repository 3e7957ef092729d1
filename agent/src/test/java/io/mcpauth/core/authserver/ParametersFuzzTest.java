package io.mcpauth.core.authserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Form bodies, query strings and the cookie header on any text. Parameters: a refusal is a
 * MalformedException; accepted text has at most 100 parameters, no empty name, values that are
 * valid Unicode, and it reads the same after each value is encoded again. The session cookie:
 * the value read is the one the named pair carries, or null.
 */
class ParametersFuzzTest {

  @FuzzTest
  void acceptedParametersRoundTrip(byte[] input) throws Exception {
    String text = new String(input, StandardCharsets.UTF_8);
    Parameters parameters;
    try {
      parameters = Parameters.parse(text);
    } catch (Parameters.MalformedException refused) {
      cookie(text);
      return;
    }
    Map<String, List<String>> read = new LinkedHashMap<>();
    StringBuilder again = new StringBuilder();
    for (String pair : text.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String name = Parameters.decode(equals < 0 ? pair : pair.substring(0, equals));
      String value = equals < 0 ? "" : Parameters.decode(pair.substring(equals + 1));
      assertTrue(!name.isEmpty());
      assertTrue(StandardCharsets.UTF_8.newEncoder().canEncode(name + value), "lone surrogate decoded");
      read.computeIfAbsent(name, n -> new java.util.ArrayList<>()).add(value);
      again.append(again.length() == 0 ? "" : "&").append(URLEncoder.encode(name, StandardCharsets.UTF_8))
          .append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
    assertTrue(read.values().stream().mapToInt(List::size).sum() <= 100);
    Parameters reparsed = Parameters.parse(again.toString());
    for (Map.Entry<String, List<String>> entry : read.entrySet()) {
      assertTrue(parameters.has(entry.getKey()) && reparsed.has(entry.getKey()));
      if (entry.getValue().size() == 1) {
        String single = entry.getValue().get(0).isEmpty() ? null : entry.getValue().get(0);
        assertEquals(single, parameters.single(entry.getKey()));
        assertEquals(single, reparsed.single(entry.getKey()));
      }
    }
    cookie(text);
  }

  /** The same text as a Cookie header: what Exchange.cookie returns is the named pair's value. */
  private static void cookie(String header) {
    String value = Exchange.cookieValue(header, "mcpauth-session");
    if (value != null) {
      assertTrue(header.contains(value) && value.equals(value.trim()) && value.indexOf(';') < 0, value);
      assertEquals(value, Exchange.cookieValue("a=b; mcpauth-session=" + value + "; c=d", "mcpauth-session"));
    }
  }
}
