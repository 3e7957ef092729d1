package io.mcpauth.core.token;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;

/**
 * Test data under src/test/resources/testdata (Wycheproof vectors: Apache 2.0, see
 * wycheproof/LICENSE; mcpauth-vectors: CC0). Found through the {@code mcpauth.testdata} system
 * property set by surefire, or on the class path when run from an IDE.
 */
public final class TestData {

  private TestData() {}

  public static Path dir() {
    String configured = System.getProperty("mcpauth.testdata");
    if (configured != null && Files.isDirectory(Path.of(configured))) {
      return Path.of(configured);
    }
    URL url = TestData.class.getClassLoader().getResource("testdata");
    if (url == null) {
      throw new IllegalStateException("testdata not found: set -Dmcpauth.testdata");
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String text(String relative) {
    try {
      return Files.readString(dir().resolve(relative), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Map<String, Object> json(String relative) {
    try {
      return JsonUtil.parseJson(text(relative));
    } catch (JoseException e) {
      throw new IllegalStateException(relative + " is not JSON", e);
    }
  }

  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> list(Object value) {
    return value == null ? List.of() : new ArrayList<>((List<Map<String, Object>>) value);
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> map(Object value) {
    return (Map<String, Object>) value;
  }

  public static byte[] hex(String hex) {
    byte[] out = new byte[hex.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }
}
