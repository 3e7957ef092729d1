package io.mcpauth.core.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * Where a setting comes from, in precedence order: system property, environment variable,
 * properties file (named by {@code mcpauth.config}), default. Nothing is ever written back to the
 * system properties, so secrets do not show up in {@code jcmd VM.system_properties}.
 */
public final class ConfigSources {

  /** Names the agent itself sets, never settings. */
  public static final String STATE_PROPERTY = "mcpauth.agent.state";

  private final Properties overrides;
  private final Properties systemProperties;
  private final Map<String, String> environment;
  private final Properties file;
  private final String fileError;

  private ConfigSources(Properties overrides, Properties systemProperties, Map<String, String> environment) {
    this.overrides = overrides;
    this.systemProperties = systemProperties;
    this.environment = environment;
    Properties loaded = new Properties();
    String error = null;
    String path = firstOf(ConfigKey.CONFIG_FILE.key(), ConfigKey.CONFIG_FILE.environmentVariable(), null);
    if (path != null && !path.isBlank()) {
      try (Reader reader = Files.newBufferedReader(Path.of(path.trim()), StandardCharsets.UTF_8)) {
        loaded.load(reader);
      } catch (IOException | RuntimeException e) {
        error = "cannot read " + path.trim() + " (" + e.getClass().getSimpleName() + ")";
      }
    }
    this.file = loaded;
    this.fileError = error;
  }

  public static ConfigSources of(Properties systemProperties, Map<String, String> environment) {
    return new ConfigSources(new Properties(), systemProperties, environment);
  }

  public static ConfigSources fromProcess() {
    return of(System.getProperties(), System.getenv());
  }

  /**
   * For a dynamic attach: the settings the attach command passed (in a file only the JVM's user
   * can read) come first, then this process's own sources.
   */
  public static ConfigSources fromProcess(Properties attachSettings) {
    return new ConfigSources(attachSettings, System.getProperties(), System.getenv());
  }

  /** The raw value, or the default, or null. */
  public String get(ConfigKey key) {
    return firstOf(key.key(), key.environmentVariable(), file.getProperty(key.key(), key.defaultValue()));
  }

  /** The raw value of a per-issuer key ({@link ConfigKey#perIssuer()}) for the issuer {@code name}, or null. */
  String get(ConfigKey key, String name) {
    String property = key.keyFor(name);
    return firstOf(property, key.environmentVariableFor(name), file.getProperty(property, key.defaultValue()));
  }

  /**
   * Every rule of a family ({@link ConfigKey#ruleFamily()}): the name after the prefix and its
   * value, from the attach settings, system properties and the properties file in that precedence.
   * Environment variables are not read: their names cannot carry a tool name or a URI faithfully.
   */
  Map<String, String> rules(ConfigKey family) {
    String prefix = family.ruleFamily();
    Map<String, String> rules = new java.util.TreeMap<>();
    for (Properties source : java.util.List.of(file, systemProperties, overrides)) {
      for (String name : source.stringPropertyNames()) {
        if (name.startsWith(prefix) && name.length() > prefix.length()) {
          rules.put(name.substring(prefix.length()), source.getProperty(name));
        }
      }
    }
    return rules;
  }

  /** Where {@link #get} found the value: for the start-up summary. */
  public String sourceOf(ConfigKey key) {
    if (overrides.getProperty(key.key()) != null) {
      return "attach";
    }
    if (systemProperties.getProperty(key.key()) != null) {
      return "system property";
    }
    if (environment.get(key.environmentVariable()) != null) {
      return "environment";
    }
    if (file.getProperty(key.key()) != null) {
      return "file";
    }
    return "default";
  }

  /** Non-null when the file named by mcpauth.config could not be read. */
  String fileError() {
    return fileError;
  }

  /**
   * Names in the file, or system properties under "mcpauth.", that are not known: most likely typos.
   * A per-issuer key is known only for the issuer names listed in {@code mcpauth.additional-issuers}.
   */
  java.util.List<String> unknownKeys(java.util.Collection<String> issuerNames) {
    java.util.List<String> unknown = new java.util.ArrayList<>();
    java.util.Set<String> names = new java.util.TreeSet<>(file.stringPropertyNames());
    names.addAll(overrides.stringPropertyNames());
    for (String name : systemProperties.stringPropertyNames()) {
      if (name.startsWith("mcpauth.") && !name.equals(STATE_PROPERTY)) {
        names.add(name);
      }
    }
    for (String name : names) {
      if (!isKnown(name, issuerNames)) {
        unknown.add(name);
      }
    }
    java.util.Collections.sort(unknown);
    return unknown;
  }

  private static boolean isKnown(String name, java.util.Collection<String> issuerNames) {
    for (ConfigKey key : ConfigKey.values()) {
      String family = key.ruleFamily();
      if (family != null && name.startsWith(family) && name.length() > family.length()) {
        return true;
      }
      if (!key.perIssuer() && key.key().equals(name)) {
        return true;
      }
      if (key.perIssuer()) {
        for (String issuer : issuerNames) {
          if (key.keyFor(issuer).equals(name)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private String firstOf(String property, String environmentVariable, String fallback) {
    String value = overrides.getProperty(property);
    if (value == null) {
      value = systemProperties.getProperty(property);
    }
    if (value == null) {
      value = environment.get(environmentVariable);
    }
    return value != null ? value : fallback;
  }
}
