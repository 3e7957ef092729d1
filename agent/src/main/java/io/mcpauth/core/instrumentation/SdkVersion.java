package io.mcpauth.core.instrumentation;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.Properties;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The version of the jar a transport class came from, for the ERROR line that refuses it: its Maven
 * {@code pom.properties} where the artifact is known, else its manifest's {@code Implementation-Version}
 * or {@code Bundle-Version}, else the version in the jar's file name. Read off the class-loading
 * thread, only when a transport is refused or noted.
 */
final class SdkVersion {

  /** The artifacts whose jars hold the transports the agent hooks. */
  private static final String[] ARTIFACTS = {
      "io.modelcontextprotocol.sdk/mcp-core", "io.modelcontextprotocol.sdk/mcp",
      "io.modelcontextprotocol.sdk/mcp-spring-webmvc", "io.modelcontextprotocol.sdk/mcp-spring-webflux",
      "org.springframework.ai/mcp-spring-webmvc", "org.springframework.ai/mcp-spring-webflux"};
  private static final Pattern FILE_VERSION = Pattern.compile("([A-Za-z0-9_.-]+?)-(\\d+\\.\\d+[A-Za-z0-9_.-]*)\\.jar");

  private SdkVersion() {}

  /** "mcp-spring-webmvc 0.10.0" or the like; "version unknown" when the jar says nothing. */
  static String of(ClassLoader loader, ProtectionDomain domain, String internalName) {
    try {
      CodeSource source = domain == null ? null : domain.getCodeSource();
      URL location = source == null ? null : source.getLocation();
      String resource = internalName + ".class";
      URL classUrl = loader == null ? null : loader.getResource(resource);
      String root = jarRoot(classUrl, resource, location);
      if (root != null) {
        for (String artifact : ARTIFACTS) {
          Properties pom = properties(root + "META-INF/maven/" + artifact + "/pom.properties");
          if (pom != null && pom.getProperty("version") != null) {
            return pom.getProperty("artifactId", artifact) + " " + pom.getProperty("version");
          }
        }
        String manifest = manifestVersion(root + "META-INF/MANIFEST.MF");
        if (manifest != null) {
          return "jar version " + manifest;
        }
      }
      String jar = root != null ? root : location != null ? location.toString() : "";
      // the jar's own name: the last segment once the "!/" of a jar: URL is off
      String trimmed = jar.replaceAll("(!/|/)+$", "");
      Matcher named = FILE_VERSION.matcher(trimmed.substring(trimmed.lastIndexOf('/') + 1));
      if (named.matches()) {
        return named.group(1) + " " + named.group(2);
      }
    } catch (RuntimeException | IOException e) {
      // the version is a courtesy in the log line; the refusal does not depend on it
    }
    return "version unknown";
  }

  /** The URL prefix of the jar (or directory) holding the class, ending in "/"; null when not known. */
  private static String jarRoot(URL classUrl, String resource, URL location) {
    if (classUrl != null) {
      String url = classUrl.toString();
      if (url.endsWith(resource)) {
        return url.substring(0, url.length() - resource.length());
      }
    }
    if (location != null && location.getProtocol().equals("file") && location.getPath().endsWith(".jar")) {
      return "jar:" + location + "!/";
    }
    return null;
  }

  private static Properties properties(String url) throws IOException {
    try (InputStream in = open(url)) {
      if (in == null) {
        return null;
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties;
    }
  }

  private static String manifestVersion(String url) throws IOException {
    try (InputStream in = open(url)) {
      if (in == null) {
        return null;
      }
      Manifest manifest = new Manifest(in);
      String version = manifest.getMainAttributes().getValue("Implementation-Version");
      return version != null ? version : manifest.getMainAttributes().getValue("Bundle-Version");
    }
  }

  private static InputStream open(String url) {
    try {
      return new URL(url).openStream();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
