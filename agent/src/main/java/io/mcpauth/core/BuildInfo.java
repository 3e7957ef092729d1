package io.mcpauth.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of this agent and the git commit it was built from, as the build recorded them. */
public final class BuildInfo {

  private static final BuildInfo CURRENT = load();

  private final String version;
  private final String commit;
  private final boolean modified;

  private BuildInfo(String version, String commit, boolean modified) {
    this.version = version;
    this.commit = commit;
    this.modified = modified;
  }

  public static BuildInfo current() {
    return CURRENT;
  }

  public String version() {
    return version;
  }

  /** The full commit id, or {@code unknown} for a build from a source tree without git. */
  public String commit() {
    return commit;
  }

  /** {@code 0.1.0 (commit 0123…)}; a build with uncommitted changes says so. */
  public String describe() {
    return version + " (commit " + commit + (modified ? ", with uncommitted changes" : "") + ")";
  }

  private static BuildInfo load() {
    Properties properties = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // Unfiltered (classes run from an IDE's output): the build did not record anything.
    return new BuildInfo(recorded(properties, "version"), recorded(properties, "commit"),
        Boolean.parseBoolean(properties.getProperty("modified")));
  }

  private static String recorded(Properties properties, String name) {
    String value = properties.getProperty(name, "unknown").strip();
    return value.isEmpty() || value.startsWith("${") ? "unknown" : value;
  }
}
