package io.mcpauth.core.token;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The one exp/nbf/iat rule of JWT claims and introspection answers (RS-SEC-36..39). */
class TimeClaimsTest {

  private static final long NOW = 1_800_000_000L;
  private static final TimeClaims JWT = TimeClaims.ofJwt(Duration.ofSeconds(60), Duration.ofHours(24));
  private static final TimeClaims STRICT_JWT = TimeClaims.ofJwt(Duration.ZERO, Duration.ofHours(24));
  private static final TimeClaims INTROSPECTION = TimeClaims.ofIntrospection(Duration.ofSeconds(60));

  private static Map<String, Object> claims(Object... nameValues) {
    Map<String, Object> claims = new HashMap<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      claims.put((String) nameValues[i], nameValues[i + 1]);
    }
    return claims;
  }

  private static String refusal(TimeClaims rule, Map<String, Object> claims) {
    return assertThrows(TokenRejectedException.class, () -> rule.check(claims, NOW)).getMessage();
  }

  @Test
  @DisplayName("exactly at exp is expired without leeway; with 60 s leeway the last valid second is exp + 59")
  void expiryBoundaries() throws Exception {
    assertEquals("token expired", refusal(STRICT_JWT, claims("exp", NOW)));
    assertEquals(NOW + 1, STRICT_JWT.check(claims("exp", NOW + 1), NOW));
    assertEquals(NOW - 59, JWT.check(claims("exp", NOW - 59), NOW));
    assertEquals("token expired", refusal(JWT, claims("exp", NOW - 60)));
    assertEquals("token expired", refusal(INTROSPECTION, claims("exp", NOW - 60)));
    assertEquals(NOW - 59, INTROSPECTION.check(claims("exp", NOW - 59), NOW));
  }

  @Test
  @DisplayName("nbf and iat may lie up to the leeway ahead, not one second more")
  void notBeforeAndIssuedAtBoundaries() {
    for (TimeClaims rule : List.of(JWT, INTROSPECTION)) {
      assertDoesNotThrow(() -> rule.check(claims("exp", NOW + 300, "nbf", NOW + 60, "iat", NOW + 60), NOW));
      assertEquals("token not yet valid (nbf)", refusal(rule, claims("exp", NOW + 300, "nbf", NOW + 61)));
      assertEquals("iat lies in the future", refusal(rule, claims("exp", NOW + 300, "iat", NOW + 61)));
    }
    assertEquals("token not yet valid (nbf)", refusal(STRICT_JWT, claims("exp", NOW + 300, "nbf", NOW + 1)));
    assertDoesNotThrow(() -> STRICT_JWT.check(claims("exp", NOW + 300, "nbf", NOW, "iat", NOW), NOW));
  }

  @Test
  @DisplayName("a JWT needs exp; an introspection answer may leave it out; a null exp is refused by both")
  void missingExp() throws Exception {
    assertEquals("exp is missing", refusal(JWT, claims("nbf", NOW)));
    assertNull(INTROSPECTION.check(claims("nbf", NOW), NOW));
    assertEquals("exp is null", refusal(JWT, claims("exp", null)));
    assertEquals("exp is null", refusal(INTROSPECTION, claims("exp", null)));
  }

  @Test
  @DisplayName("fractions floor; strings, booleans, NaN, infinities and |v| >= 1e15 as doubles are no NumericDate")
  void types() throws Exception {
    assertEquals(NOW + 10, JWT.check(claims("exp", NOW + 10.9), NOW));
    for (Object value : List.of(String.valueOf(NOW + 300), true, Double.NaN, Double.POSITIVE_INFINITY, 1e15, -1e15,
        List.of(NOW + 300), Map.of("v", NOW + 300))) {
      for (String name : List.of("exp", "nbf", "iat")) {
        Map<String, Object> claims = claims("exp", NOW + 300);
        claims.put(name, value);
        assertEquals(name + " is not a usable NumericDate", refusal(JWT, claims), name + "=" + value);
        assertEquals(name + " is not a usable NumericDate", refusal(INTROSPECTION, claims), name + "=" + value);
      }
    }
  }

  @Test
  @DisplayName("negative dates lie in the past: an exp expires, an nbf or iat holds; a huge exp passes only the max lifetime of a JWT")
  void negativeAndHugeValues() throws Exception {
    assertEquals("token expired", refusal(JWT, claims("exp", -1L)));
    assertEquals("token expired", refusal(INTROSPECTION, claims("exp", Long.MIN_VALUE)));
    assertEquals(NOW + 300, JWT.check(claims("exp", NOW + 300, "nbf", -1L, "iat", Long.MIN_VALUE), NOW));
    assertEquals("exp lies beyond mcpauth.token.max-lifetime", refusal(JWT, claims("exp", Long.MAX_VALUE)));
    assertEquals("exp lies beyond mcpauth.token.max-lifetime", refusal(JWT, claims("exp", NOW + 24 * 3600 + 1)));
    assertEquals(NOW + 24 * 3600, JWT.check(claims("exp", NOW + 24 * 3600), NOW));
    // The introspection cache keeps an answer no longer than its TTL, whatever exp says.
    assertEquals(Long.MAX_VALUE, INTROSPECTION.check(claims("exp", Long.MAX_VALUE), NOW));
    assertEquals("iat lies in the future", refusal(INTROSPECTION, claims("iat", Long.MAX_VALUE)));
  }

  @Test
  void refusesNegativeLeeway() {
    assertThrows(IllegalArgumentException.class, () -> TimeClaims.ofIntrospection(Duration.ofSeconds(-1)));
  }

  @Test
  void expBeforeIatIsRefused() {
    // Found by the jose4j differential: exp = now - 59 with iat = now - 10 was accepted within the leeway.
    assertEquals("exp lies before iat", refusal(JWT, claims("exp", NOW - 59, "iat", NOW - 10)));
    assertEquals("exp lies before iat", refusal(INTROSPECTION, claims("exp", NOW + 10, "iat", NOW + 11)));
    assertDoesNotThrow(() -> JWT.check(claims("exp", NOW + 10, "iat", NOW + 10), NOW));
  }
}
