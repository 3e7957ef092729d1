package io.mcpauth.core.scopes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.core.rpc.RpcMessage;
import io.mcpauth.core.rpc.RpcMessage.Kind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** RS-11: which scopes a message needs, and whether a token's scopes, with what they imply, grant them. */
class ScopePolicyTest {

  private static final ScopePolicy POLICY = new ScopePolicy(
      List.of("mcp:tools"),
      Map.of("tools/list", List.of("catalog"), "logging/setLevel", List.of("ops")),
      Map.of("delete_repo", List.of("repo:admin", "audit"), "*", List.of("tools:any"), "echo", List.of()),
      Map.of("greeting", List.of("prompts")),
      Map.of("fixture://secret/*", List.of("secrets"), "fixture://secret/public/*", List.of("public"),
          "fixture://exact", List.of("exact"), "*", List.of("resources")),
      Map.of("root", List.of("admin"), "admin", List.of("repo:admin", "mcp:tools"), "loop-a", List.of("loop-b"),
          "loop-b", List.of("loop-a", "audit")));

  private static RpcMessage call(String method, String name, String uri) {
    return new RpcMessage(Kind.REQUEST, method, name, uri);
  }

  @Test
  @DisplayName("a tool needs the scopes of every request, its method's and its own, in that order, each once")
  void toolRules() {
    assertEquals(List.of("mcp:tools", "repo:admin", "audit"), POLICY.requiredFor(call("tools/call", "delete_repo", null)));
    assertEquals(List.of("mcp:tools", "tools:any"), POLICY.requiredFor(call("tools/call", "unlisted", null)));
    assertEquals(List.of("mcp:tools"), POLICY.requiredFor(call("tools/call", "echo", null)), "an empty rule exempts from *");
    // no params: the SDK calls nothing, but the * rule still applies (fail closed); "" is just another name
    assertEquals(List.of("mcp:tools", "tools:any"), POLICY.requiredFor(call("tools/call", null, null)));
    assertEquals(List.of("mcp:tools", "tools:any"), POLICY.requiredFor(call("tools/call", "", null)));
    // names are exact: no case folding, no trimming
    assertEquals(List.of("mcp:tools", "tools:any"), POLICY.requiredFor(call("tools/call", "Delete_repo", null)));
    assertEquals(List.of("mcp:tools", "tools:any"), POLICY.requiredFor(call("tools/call", "delete_repo ", null)));
  }

  @Test
  @DisplayName("methods, prompts and resources: exact URI first, then the longest prefix, then *")
  void otherRules() {
    assertEquals(List.of("mcp:tools", "catalog"), POLICY.requiredFor(call("tools/list", null, null)));
    assertEquals(List.of("mcp:tools", "prompts"), POLICY.requiredFor(call("prompts/get", "greeting", null)));
    assertEquals(List.of("mcp:tools"), POLICY.requiredFor(call("prompts/get", "other", null)), "no * rule for prompts");
    assertEquals(List.of("mcp:tools", "exact"), POLICY.requiredFor(call("resources/read", null, "fixture://exact")));
    assertEquals(List.of("mcp:tools", "secrets"), POLICY.requiredFor(call("resources/read", null, "fixture://secret/plan")));
    assertEquals(List.of("mcp:tools", "public"),
        POLICY.requiredFor(call("resources/subscribe", null, "fixture://secret/public/x")));
    assertEquals(List.of("mcp:tools", "secrets"), POLICY.requiredFor(call("resources/unsubscribe", null, "fixture://secret/")));
    assertEquals(List.of("mcp:tools", "resources"), POLICY.requiredFor(call("resources/read", null, "fixture://exactly")));
    assertEquals(List.of("mcp:tools", "resources"), POLICY.requiredFor(call("resources/read", null, null)));
    assertEquals(List.of("mcp:tools"), POLICY.requiredFor(call("resources/list", null, null)));
    assertEquals(List.of("mcp:tools"), POLICY.requiredFor(new RpcMessage(Kind.RESPONSE, null, null, null)));
    assertEquals(List.of("mcp:tools", "ops"), POLICY.requiredFor(new RpcMessage(Kind.NOTIFICATION, "logging/setLevel", null, null)));
  }

  @Test
  @DisplayName("hierarchies are transitive, cycles end, and nothing is implied upwards")
  void hierarchies() {
    assertTrue(POLICY.grants(List.of("root"), List.of("mcp:tools", "repo:admin", "admin")));
    assertTrue(POLICY.grants(List.of("admin", "audit"), List.of("mcp:tools", "repo:admin", "audit")));
    assertFalse(POLICY.grants(List.of("admin"), List.of("repo:admin", "audit")));
    assertFalse(POLICY.grants(List.of("repo:admin", "mcp:tools"), List.of("admin")));
    assertTrue(POLICY.grants(List.of("loop-a"), List.of("loop-b", "audit")));
    assertTrue(POLICY.grants(List.of("loop-b"), List.of("loop-a")));
    assertTrue(POLICY.grants(List.of(), List.of()));
    assertFalse(POLICY.grants(List.of(), List.of("mcp:tools")));
    ScopePolicy flat = ScopePolicy.everyRequest(List.of("a"));
    assertTrue(flat.grants(List.of("a", "b"), List.of("a")));
    assertFalse(flat.grants(List.of("b"), List.of("a")));
  }

  @Test
  @DisplayName("the body is read only when a rule depends on it; the metadata lists every scope the rules name")
  void readsMessagesAndNamedScopes() {
    assertFalse(ScopePolicy.everyRequest(List.of("mcp:tools")).readsMessages());
    assertTrue(POLICY.readsMessages());
    assertEquals(List.of("mcp:tools", "ops", "catalog", "tools:any", "repo:admin", "audit", "prompts", "resources",
        "exact", "secrets", "public"), POLICY.namedScopes(), "by family, then by name (* first)");
  }
}
