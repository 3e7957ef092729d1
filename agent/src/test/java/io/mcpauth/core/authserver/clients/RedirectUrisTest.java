package io.mcpauth.core.authserver.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.core.token.TestData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Redirect URI matching (AS-SEC-05, R01-R21 of mcpauth-vectors/redirect-uri-vectors.json) and
 * registration (AS-SEC-39, D01-D21 of dcr-redirect-uri-vectors.json).
 */
class RedirectUrisTest {

  static Stream<Arguments> matchVectors() {
    List<Arguments> out = new ArrayList<>();
    for (Map<String, Object> v : TestData.list(TestData.json("mcpauth-vectors/redirect-uri-vectors.json").get("vectors"))) {
      String name = "AS-SEC-05 " + v.get("id") + ": " + v.get("requested") + " vs " + v.get("registered") + " -> " + v.get("expect");
      out.add(Arguments.of(name, v.get("registered"), v.get("requested"), "match".equals(v.get("expect"))));
    }
    assertEquals(21, out.size());
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matchVectors")
  void matchesEveryRVector(String name, String registered, String requested, boolean match) {
    // R21: an absent redirect_uri is no URI to compare; it stands for the only registered one.
    String selected = RedirectUris.select(List.of(registered), requested);
    assertEquals(match, selected != null, name);
    if (requested.isEmpty()) {
      assertEquals(registered, selected);
      assertFalse(RedirectUris.matches(registered, requested));
    } else {
      assertEquals(match, RedirectUris.matches(registered, requested), name);
      if (match) {
        assertEquals(requested, selected, "the app's own port is redirected to");
      }
    }
  }

  static Stream<Arguments> registrationVectors() {
    List<Arguments> out = new ArrayList<>();
    for (Map<String, Object> v : TestData.list(TestData.json("mcpauth-vectors/dcr-redirect-uri-vectors.json").get("vectors"))) {
      String uri = expand((String) v.get("redirect_uri"));
      String shown = uri.length() > 60 ? uri.substring(0, 40) + "... (" + uri.length() + " chars)" : uri;
      String name = "AS-SEC-39 " + v.get("id") + ": " + shown.replace("\r", "\\r").replace("\n", "\\n") + " -> " + v.get("expect");
      out.add(Arguments.of(name, uri, "accept".equals(v.get("expect"))));
    }
    assertEquals(21, out.size());
    return out.stream();
  }

  /** D20's placeholder becomes an 8 KiB https URI. */
  static String expand(String uri) {
    return uri.equals("<8 KiB URI>") ? "https://app.example.com/" + "a".repeat(8 * 1024) : uri;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("registrationVectors")
  void registrationAgreesWithEveryDVector(String name, String uri, boolean accept) {
    String problem = RedirectUris.registrationProblem(uri);
    assertEquals(accept, problem == null, name + ": " + problem);
    if (problem != null) {
      assertTrue(problem.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '"' && c != '\\'),
          "a valid error_description: " + problem);
      assertFalse(problem.contains("example"), "the description does not repeat the URI");
    }
  }

  @DisplayName("AS-SEC-06: an absent redirect_uri with several registered selects none (invalid_request page)")
  @Test
  void absentRedirectUriWithSeveralRegistered() {
    List<String> registered = List.of("https://app.example.com/a", "https://app.example.com/b");
    assertNull(RedirectUris.select(registered, null));
    assertNull(RedirectUris.select(registered, ""));
    assertEquals("https://app.example.com/b", RedirectUris.select(registered, "https://app.example.com/b"));
    assertNull(RedirectUris.select(registered, "https://app.example.com/c"));
  }

  @DisplayName("AS-07 loopback port rule: only http, only 127.0.0.1, [::1] and localhost, only the port")
  @ParameterizedTest(name = "{0} vs {1} -> {2}")
  @CsvSource({
      "http://127.0.0.1:8000/cb, http://127.0.0.1:9000/cb, true",
      "http://127.0.0.1:8000/cb, http://127.0.0.1/cb, true",
      "http://[::1]/cb?x=1, http://[::1]:1234/cb?x=1, true",
      "http://[::1]/cb, http://[::1]:1234/cb?x=1, false",
      "https://127.0.0.1/cb, https://127.0.0.1:8443/cb, false",
      "https://localhost/cb, https://localhost:8443/cb, false",
      "http://127.0.0.2/cb, http://127.0.0.2:80/cb, false",
      "http://localhost/cb, http://LOCALHOST:80/cb, false",
      "http://127.0.0.1/cb, http://127.0.0.1:/cb, false",
      "http://127.0.0.1/cb, http://127.0.0.1:99999/cb, false",
      "http://127.0.0.1/cb, http://127.0.0.1:8x/cb, false",
      "http://127.0.0.1/cb, http://u@127.0.0.1:80/cb, false",
      "http://127.0.0.1/cb, http://127.0.0.1:80#/cb, false",
      "http://[::1]/cb, http://[::1]:80:81/cb, false",
  })
  void loopbackPortRule(String registered, String requested, boolean match) {
    assertEquals(match, RedirectUris.matches(registered, requested));
  }

  @Test
  void nullsNeverMatch() {
    assertFalse(RedirectUris.matches(null, "https://a.example/cb"));
    assertFalse(RedirectUris.matches("https://a.example/cb", null));
  }

  @DisplayName("registration: more URIs refused or accepted")
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "https://app.example.com:99999/cb, false",
      "https:///cb, false",
      "https:app.example.com, false",
      "com.example.app:cb, false",
      "com..example:/cb, false",
      "com.example.app://u@host/cb, false",
      "com.example.app://callback, true",
      "HTTPS://app.example.com/cb, true",
      "http://localhost/cb, true",
      "http://[::1]/cb, true",
      "http://127.0.0.2/cb, false",
      "http://[::ffff:127.0.0.1]/cb, false",
      "http://2130706433/cb, false",
      "about:blank, false",
      "blob:https://app.example.com/x, false",
      "https://app.example.com/cb#, false",
      "https://app.example.com/cb?x=1&y=2, true",
  })
  void moreRegistrationCases(String uri, boolean accept) {
    assertEquals(accept, RedirectUris.registrationProblem(uri) == null, () -> RedirectUris.registrationProblem(uri));
  }

  @Test
  void registrationLengthLimitIsInclusive() {
    String prefix = "https://app.example.com/";
    assertNull(RedirectUris.registrationProblem(prefix + "a".repeat(RedirectUris.MAX_LENGTH - prefix.length())));
    assertNotNull(RedirectUris.registrationProblem(prefix + "a".repeat(RedirectUris.MAX_LENGTH - prefix.length() + 1)));
    assertNotNull(RedirectUris.registrationProblem(""));
    assertNotNull(RedirectUris.registrationProblem(null));
  }

  @DisplayName("AS-15: isLoopback drives the consent page's localhost warning")
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "http://127.0.0.1:3000/cb, true",
      "http://[::1]/cb, true",
      "http://localhost:3000/cb, true",
      "https://localhost/cb, true",
      "https://app.example.com/cb, false",
      "http://localhost.evil.com/cb, false",
      "com.example.app:/cb, false",
      "not a uri, false",
  })
  void isLoopback(String uri, boolean loopback) {
    assertEquals(loopback, RedirectUris.isLoopback(uri));
  }
}
