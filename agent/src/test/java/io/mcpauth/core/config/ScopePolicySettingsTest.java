package io.mcpauth.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.core.rpc.RpcMessage;
import io.mcpauth.core.rpc.RpcMessage.Kind;
import io.mcpauth.core.scopes.ScopePolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scope rules from properties, the mcpauth.config file and the JSON policy file, and every way to get them wrong. */
class ScopePolicySettingsTest {

  @TempDir
  Path dir;

  private final Properties sysprops = new Properties();
  private final Map<String, String> env = new HashMap<>();

  private ScopePolicySettingsTest set(String key, String value) {
    sysprops.setProperty(key, value);
    return this;
  }

  private ScopePolicySettingsTest external() {
    return set("mcpauth.issuer", "https://as.example.com").set("mcpauth.resource", "https://mcp.example.com/mcp");
  }

  private ScopePolicy policy() throws InvalidConfigException {
    return ConfigParser.parse(ConfigSources.of(sysprops, env)).scopePolicy();
  }

  private List<String> errors() {
    return assertThrows(InvalidConfigException.class, this::policy).errors();
  }

  private Path file(String name, String content) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  private static List<String> tool(ScopePolicy policy, String name) {
    return policy.requiredFor(new RpcMessage(Kind.REQUEST, "tools/call", name, null));
  }

  @Test
  @DisplayName("rules from system properties and the mcpauth.config file, with any name after the prefix")
  void properties() throws Exception {
    Path config = file("mcpauth.properties", "mcpauth.scopes.resource.fixture\\://secret/*=secrets\n"
        + "mcpauth.scopes.prompt.greeting=prompts\n");
    external().set("mcpauth.config", config.toString()).set("mcpauth.scopes.required", "mcp:tools")
        .set("mcpauth.scopes.tool.delete_repo", "repo:admin, audit").set("mcpauth.scopes.tool.*", "tools:any")
        .set("mcpauth.scopes.method.tools/list", "catalog").set("mcpauth.scopes.implies.mcp:admin", "repo:admin audit");
    ScopePolicy policy = policy();
    assertTrue(policy.readsMessages());
    assertEquals(List.of("mcp:tools", "repo:admin", "audit"), tool(policy, "delete_repo"));
    assertEquals(List.of("mcp:tools", "tools:any"), tool(policy, "echo"));
    assertEquals(List.of("mcp:tools", "secrets"),
        policy.requiredFor(new RpcMessage(Kind.REQUEST, "resources/read", null, "fixture://secret/plan")));
    assertEquals(List.of("mcp:tools", "prompts"),
        policy.requiredFor(new RpcMessage(Kind.REQUEST, "prompts/get", "greeting", null)));
    assertEquals(List.of("mcp:tools", "catalog"), policy.requiredFor(new RpcMessage(Kind.REQUEST, "tools/list", null, null)));
    assertTrue(policy.grants(List.of("mcp:tools", "mcp:admin"), tool(policy, "delete_repo")));
  }

  @Test
  @DisplayName("without rules nothing reads the body; environment variables cannot name a tool")
  void noRules() throws Exception {
    env.put("MCPAUTH_SCOPES_TOOL_ECHO", "x");
    assertFalse(external().policy().readsMessages());
  }

  @Test
  @DisplayName("the JSON policy file holds the same rules, one object per family")
  void policyFile() throws Exception {
    Path policyFile = file("policy.json", "{\"tools\": {\"delete_repo\": \"repo:admin\", \"*\": \"mcp:tools\"},"
        + " \"prompts\": {\"greeting\": \"prompts\"}, \"resources\": {\"fixture://secret/*\": \"secrets\"},"
        + " \"methods\": {\"tools/list\": \"catalog\"}, \"implies\": {\"root\": \"repo:admin mcp:tools\"}}");
    ScopePolicy policy = external().set("mcpauth.policy-file", policyFile.toString())
        .set("mcpauth.scopes.tool.echo", "").policy();
    assertEquals(List.of("repo:admin"), tool(policy, "delete_repo"));
    assertEquals(List.of("mcp:tools"), tool(policy, "add"));
    assertEquals(List.of(), tool(policy, "echo"), "a property may add a rule the file does not have");
    assertTrue(policy.grants(List.of("root"), tool(policy, "delete_repo")));
    assertEquals(List.of("secrets"),
        policy.requiredFor(new RpcMessage(Kind.REQUEST, "resources/read", null, "fixture://secret/plan")));
  }

  @Test
  @DisplayName("a rule set in two places, an unknown member, a non-string value or a bad scope stops the start, naming it")
  void mistakes() throws Exception {
    Path twice = file("twice.json", "{\"tools\": {\"echo\": \"a\"}}");
    external().set("mcpauth.policy-file", twice.toString()).set("mcpauth.scopes.tool.echo", "b");
    assertEquals(List.of("mcpauth.policy-file " + twice + ": tools.echo is also set by mcpauth.scopes.tool.echo;"
        + " set each rule in one place"), errors());

    sysprops.clear();
    Path unknown = file("unknown.json", "{\"tool\": {\"echo\": \"a\"}, \"prompts\": [], \"resources\": {\"x\": 1}}");
    external().set("mcpauth.policy-file", unknown.toString());
    List<String> errors = errors();
    assertTrue(errors.contains("mcpauth.policy-file " + unknown
        + ": unknown member 'tool' (expected tools, prompts, resources, methods, implies)"), errors.toString());
    assertTrue(errors.contains("mcpauth.policy-file " + unknown + ": prompts must be an object of name to scopes"),
        errors.toString());
    assertTrue(errors.contains("mcpauth.policy-file " + unknown + ": resources.x must be a string of scopes"),
        errors.toString());

    sysprops.clear();
    Path broken = file("broken.json", "{\"tools\": {\"echo\": \"a\", \"echo\": \"b\"}}");
    external().set("mcpauth.policy-file", broken.toString());
    assertEquals(List.of("mcpauth.policy-file " + broken + ": the policy file has a duplicate member"), errors());

    sysprops.clear();
    external().set("mcpauth.policy-file", dir.resolve("missing.json").toString());
    assertEquals(List.of("mcpauth.policy-file " + dir.resolve("missing.json") + " cannot be read (NoSuchFileException)"),
        errors());

    sysprops.clear();
    external().set("mcpauth.scopes.tool.echo", "good \"bad\"");
    assertEquals(List.of("mcpauth.scopes.tool.echo has an invalid scope '\"bad\"' (RFC 6749 §3.3)"), errors());

    sysprops.clear();
    external().set("mcpauth.scopes.tools.echo", "a");
    assertEquals(List.of("mcpauth.scopes.tools.echo is not a known setting"), errors());
  }

  @Test
  @DisplayName("with the embedded authorization server, every scope a rule needs must be on offer there, or implied by one that is")
  void embeddedServerOffersTheScopes() throws Exception {
    set("mcpauth.as.data", dir.toString()).set("mcpauth.scopes.tool.delete_repo", "repo:admin");
    assertEquals(List.of("the scope rules need 'repo:admin', which the embedded authorization server does not offer:"
        + " add it to mcpauth.as.scopes"), errors());
    set("mcpauth.as.scopes", "mcp:tools root offline_access").set("mcpauth.scopes.implies.root", "repo:admin");
    assertEquals(List.of("repo:admin"), tool(policy(), "delete_repo"));
  }
}
