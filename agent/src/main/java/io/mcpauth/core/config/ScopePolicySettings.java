package io.mcpauth.core.config;

import io.mcpauth.core.json.StrictJson;
import io.mcpauth.core.logging.LogText;
import io.mcpauth.core.scopes.ScopePolicy;
import io.mcpauth.core.text.Ascii;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the scope rules: {@code mcpauth.scopes.required}, the {@code mcpauth.scopes.tool.*},
 * {@code .prompt.*}, {@code .resource.*}, {@code .method.*} and {@code .implies.*} properties, and
 * the JSON policy file, which holds the same rules in one object per family. A rule may be set in
 * one place only: two values for one name stop the start rather than let one silently win.
 */
final class ScopePolicySettings {

  /** Policy-file members, each with the property family it mirrors. */
  private static final Map<String, ConfigKey> FAMILIES = familiesInFileOrder();
  private static final int MAX_FILE_BYTES = 1 << 20;

  private final ConfigParser parser;

  ScopePolicySettings(ConfigParser parser) {
    this.parser = parser;
  }

  private static Map<String, ConfigKey> familiesInFileOrder() {
    Map<String, ConfigKey> families = new LinkedHashMap<>();
    families.put("tools", ConfigKey.SCOPES_TOOL);
    families.put("prompts", ConfigKey.SCOPES_PROMPT);
    families.put("resources", ConfigKey.SCOPES_RESOURCE);
    families.put("methods", ConfigKey.SCOPES_METHOD);
    families.put("implies", ConfigKey.SCOPES_IMPLIES);
    return families;
  }

  ScopePolicy parse() {
    Map<String, Object> file = policyFile();
    Map<ConfigKey, Map<String, List<String>>> rules = new LinkedHashMap<>();
    // Plain loops: this runs in premain, where each lambda or stream costs start-up time.
    for (Map.Entry<String, ConfigKey> entry : FAMILIES.entrySet()) {
      String member = entry.getKey();
      ConfigKey family = entry.getValue();
      Map<String, List<String>> merged = new LinkedHashMap<>();
      for (Map.Entry<String, String> rule : parser.sources.rules(family).entrySet()) {
        merged.put(rule.getKey(), parser.scopes(family.ruleFamily() + rule.getKey(), rule.getValue()));
      }
      if (file != null && file.get(member) instanceof Map<?, ?> fromFile) {
        for (Map.Entry<?, ?> rule : fromFile.entrySet()) {
          String name = (String) rule.getKey();
          String where = policyFileName() + ": " + member + "." + LogText.printable(name);
          if (!(rule.getValue() instanceof String scopes)) {
            parser.errors.add(where + " must be a string of scopes");
          } else if (merged.containsKey(name)) {
            parser.errors.add(where + " is also set by " + family.ruleFamily() + LogText.printable(name)
                + "; set each rule in one place");
          } else {
            merged.put(name, parser.scopes(where, scopes));
          }
        }
      }
      for (String name : merged.keySet()) {
        if (Ascii.isBlank(name)) {
          parser.errors.add(family.ruleFamily() + " needs a name after the prefix");
          break;
        }
      }
      rules.put(family, merged);
    }
    return new ScopePolicy(parser.scopes(ConfigKey.SCOPES_REQUIRED), rules.get(ConfigKey.SCOPES_METHOD),
        rules.get(ConfigKey.SCOPES_TOOL), rules.get(ConfigKey.SCOPES_PROMPT), rules.get(ConfigKey.SCOPES_RESOURCE),
        rules.get(ConfigKey.SCOPES_IMPLIES));
  }

  private String policyFileName() {
    return ConfigKey.POLICY_FILE.key() + " " + parser.sources.get(ConfigKey.POLICY_FILE).trim();
  }

  /** The policy file's object, checked for unknown members; null when there is none or it is unusable. */
  private Map<String, Object> policyFile() {
    String path = ConfigParser.blankToNull(parser.sources.get(ConfigKey.POLICY_FILE));
    if (path == null) {
      return null;
    }
    Map<String, Object> policy;
    try {
      Path file = Path.of(path.trim());
      if (Files.size(file) > MAX_FILE_BYTES) {
        parser.errors.add(policyFileName() + " is larger than " + MAX_FILE_BYTES + " bytes");
        return null;
      }
      policy = StrictJson.parseObject(Files.readString(file, StandardCharsets.UTF_8), "the policy file");
    } catch (IOException | RuntimeException e) {
      parser.errors.add(policyFileName() + " cannot be read (" + e.getClass().getSimpleName() + ")");
      return null;
    } catch (StrictJson.MalformedJsonException e) {
      parser.errors.add(policyFileName() + ": " + e.getMessage());
      return null;
    }
    for (Map.Entry<String, Object> member : policy.entrySet()) {
      if (!FAMILIES.containsKey(member.getKey())) {
        parser.errors.add(policyFileName() + ": unknown member '" + LogText.printable(member.getKey())
            + "' (expected " + String.join(", ", FAMILIES.keySet()) + ")");
      } else if (!(member.getValue() instanceof Map)) {
        parser.errors.add(policyFileName() + ": " + member.getKey() + " must be an object of name to scopes");
      }
    }
    return policy;
  }
}
