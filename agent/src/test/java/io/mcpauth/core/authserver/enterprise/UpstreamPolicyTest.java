package io.mcpauth.core.authserver.enterprise;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mcpauth.core.config.UpstreamConfig;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class UpstreamPolicyTest {

  private static UpstreamPolicy policy(String subjectClaim, List<String> domains, Map<String, List<String>> required,
      Map<String, List<String>> scopesFrom) {
    return new UpstreamPolicy(new UpstreamConfig(URI.create("https://idp.example.com"), "mcpauth", null,
        List.of("openid"), "", subjectClaim, "groups", domains, required, scopesFrom));
  }

  @Test
  @DisplayName("our subject is upstream: and the subject claim, which must be a non-empty string")
  void subject() throws Exception {
    UpstreamPolicy policy = policy("sub", List.of(), Map.of(), Map.of());
    assertEquals("upstream:alice", policy.subject(Map.of("sub", "alice")));
    assertThrows(AssertionRejectedException.class, () -> policy.subject(Map.of("sub", "")));
    UpstreamPolicy byOid = policy("oid", List.of(), Map.of(), Map.of());
    assertEquals("upstream:0000-1", byOid.subject(Map.of("sub", "per-app", "oid", "0000-1")));
    assertThrows(AssertionRejectedException.class, () -> byOid.subject(Map.of("sub", "per-app")));
  }

  @Test
  @DisplayName("email domains need email_verified true (a boolean) and the exact domain")
  void emailDomains() {
    UpstreamPolicy policy = policy("sub", List.of("example.com"), Map.of(), Map.of());
    assertDoesNotThrow(() -> policy.admit(Map.of("email", "Jane@Example.com", "email_verified", true)));
    assertThrows(AssertionRejectedException.class, () -> policy.admit(Map.of("email", "jane@example.com")));
    assertThrows(AssertionRejectedException.class,
        () -> policy.admit(Map.of("email", "jane@example.com", "email_verified", "true")));
    assertThrows(AssertionRejectedException.class,
        () -> policy.admit(Map.of("email", "jane@evil-example.com", "email_verified", true)));
    assertThrows(AssertionRejectedException.class,
        () -> policy.admit(Map.of("email", "jane@sub.example.com", "email_verified", true)));
  }

  @Test
  @DisplayName("required claims: a string, boolean or array member equal to one listed value; absent is refused")
  void requiredClaims() {
    UpstreamPolicy policy = policy("sub", List.of(), Map.of("groups", List.of("mcp-users"), "hd", List.of("example.com")),
        Map.of());
    assertDoesNotThrow(() -> policy.admit(Map.of("groups", List.of("x", "mcp-users"), "hd", "example.com")));
    assertThrows(AssertionRejectedException.class, () -> policy.admit(Map.of("groups", List.of("x"), "hd", "example.com")));
    assertThrows(AssertionRejectedException.class, () -> policy.admit(Map.of("groups", List.of("mcp-users"))));
    UpstreamPolicy verified = policy("sub", List.of(), Map.of("email_verified", List.of("true")), Map.of());
    assertDoesNotThrow(() -> verified.admit(Map.of("email_verified", true)));
    assertThrows(AssertionRejectedException.class, () -> verified.admit(Map.of("email_verified", false)));
  }

  @Test
  @DisplayName("scopes-from: a scope a group rule names goes only to that group's members; others to everyone")
  void scopesFromGroups() {
    UpstreamPolicy policy = policy("sub", List.of(), Map.of(), Map.of("admins", List.of("mcp:admin")));
    List<String> asked = List.of("mcp:tools", "mcp:admin", "offline_access");
    assertEquals(List.of("mcp:tools", "mcp:admin", "offline_access"),
        policy.grantable(Map.of("groups", List.of("admins")), asked));
    assertEquals(List.of("mcp:tools", "offline_access"), policy.grantable(Map.of("groups", List.of("staff")), asked));
    assertEquals(List.of("mcp:tools", "offline_access"), policy.grantable(Map.of(), asked));
    assertEquals(List.of("mcp:tools", "mcp:admin", "offline_access"), policy.grantable(Map.of("groups", "admins"), asked));
  }
}
