package io.mcpauth.core.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The configuration parser and the policy file on any input: properties text, then after the
 * first NUL byte the policy file's bytes (written to a file that mcpauth.policy-file names). A
 * refusal is an InvalidConfigException. An accepted configuration holds only known algorithms, a
 * clock skew within 10 minutes, a bind address given as an IP literal (never a resolved name),
 * and scope rules made of RFC 6749 scope tokens only.
 */
class ConfigParserFuzzTest {

  private static final Pattern SCOPE_TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");
  private static final Path POLICY_FILE = policyFile();

  /** In memory (/dev/shm) where there is one: the file is rewritten for every input. */
  private static Path policyFile() {
    try {
      Path memory = Path.of("/dev/shm");
      Path file = Files.isDirectory(memory) && Files.isWritable(memory)
          ? Files.createTempFile(memory, "mcpauth-fuzz-policy", ".json")
          : Files.createTempFile("mcpauth-fuzz-policy", ".json");
      file.toFile().deleteOnExit();
      return file;
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @FuzzTest
  void acceptedConfigurationsHoldTheirRules(byte[] input) throws Exception {
    int nul = 0;
    while (nul < input.length && input[nul] != 0) {
      nul++;
    }
    Properties properties = new Properties();
    try {
      properties.load(new StringReader(new String(input, 0, nul, StandardCharsets.UTF_8)));
    } catch (IllegalArgumentException malformedEscape) {
      return; // a malformed escape: ConfigSources reports it as a file error
    }
    if (nul < input.length) {
      Files.write(POLICY_FILE, Arrays.copyOfRange(input, nul + 1, input.length));
      properties.setProperty("mcpauth.policy-file", POLICY_FILE.toString());
    }
    // Files the fuzzer names are only ever read; a config file outside the test is not wanted.
    properties.remove("mcpauth.config-file");
    AgentConfig config;
    try {
      config = ConfigParser.parse(ConfigSources.of(properties, Map.of()));
    } catch (InvalidConfigException refused) {
      return;
    }
    if (!config.enabled()) {
      return;
    }
    assertTrue(!config.algorithms().isEmpty() && ConfigParser.KNOWN_ALGORITHMS.containsAll(config.algorithms()));
    assertTrue(!config.clockSkew().isNegative() && config.clockSkew().compareTo(Duration.ofMinutes(10)) <= 0);
    if (config.authServer() != null) {
      assertTrue(config.authServer().bindAddress().toString().startsWith("/"),
          "the bind address was resolved as a name: " + config.authServer().bindAddress());
    }
    for (String scope : config.scopePolicy().namedScopes()) {
      assertTrue(SCOPE_TOKEN.matcher(scope).matches(), scope);
    }
  }
}
