package io.mcpauth.core.cli;

import io.mcpauth.core.config.ConfigParser;
import io.mcpauth.core.config.ConfigSources;
import io.mcpauth.core.config.InvalidConfigException;
import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;

/**
 * {@code attach <pid> [key=value ...] [--config FILE]}: protects a JVM that is already running.
 * The settings are validated here first, so a mistake never reaches the target; they travel in a
 * file only the user can read (never on the target's command line), deleted after use; and the
 * command reports success only once the target says it is protected.
 */
final class AttachCommand {

  static final String USAGE = """
      usage: java -jar mcpauth-agent.jar attach <pid> [key=value ...] [--config FILE]

      Protects the running JVM <pid> (run it as the target's user). Settings are the agent's
      mcpauth.* keys, as key=value arguments or in a properties file; arguments win over the file.
      Exit status: 0 protected (or already protected), 1 the attach failed, 2 invalid arguments.""";

  private static final long OUTCOME_TIMEOUT_MILLIS = 15_000;

  private AttachCommand() {}

  static int run(String[] args) throws Exception {
    if (args.length < 1 || args[0].equals("--help") || args[0].equals("-h")) {
      System.out.println(USAGE);
      return args.length < 1 ? 2 : 0;
    }
    String pid = args[0];
    if (!pid.matches("\\d+")) {
      System.err.println("mcpauth: '" + pid + "' is not a process id\n" + USAGE);
      return 2;
    }
    Properties settings = new Properties();
    Properties fromArguments = new Properties();
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        try (Reader reader = Files.newBufferedReader(Path.of(args[++i]), StandardCharsets.UTF_8)) {
          settings.load(reader);
        }
      } else if (args[i].contains("=")) {
        int eq = args[i].indexOf('=');
        fromArguments.setProperty(args[i].substring(0, eq).trim(), args[i].substring(eq + 1).trim());
      } else {
        System.err.println("mcpauth: unexpected argument '" + args[i] + "'\n" + USAGE);
        return 2;
      }
    }
    settings.putAll(fromArguments);
    try {
      // Validated as the target will see it, except for the target's own environment.
      ConfigParser.parse(ConfigSources.of(settings, Map.of()));
    } catch (InvalidConfigException e) {
      System.err.println(e.getMessage());
      System.err.println("mcpauth: nothing was attached; the target is unchanged");
      return 2;
    }
    return attach(pid, settings);
  }

  private static int attach(String pid, Properties settings) throws Exception {
    Path file = Files.createTempFile("mcpauth-attach-", ".properties",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        settings.store(writer, null);
      }
      try (AttachedJvm target = AttachedJvm.open(pid)) {
        String before = target.systemProperties().getProperty(ConfigSources.STATE_PROPERTY);
        if ("active".equals(before)) {
          System.out.println("mcpauth: JVM " + pid + " is already protected; nothing to do");
          return 0;
        }
        target.loadAgent(agentJar(), "config=" + file);
        return awaitOutcome(target, pid);
      }
    } catch (IOException e) {
      String why = e instanceof AttachedJvm.AttachFailedException ? e.getMessage() : e.toString();
      System.err.println("mcpauth: cannot attach to " + pid + ": " + why);
      return 1;
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static int awaitOutcome(AttachedJvm target, String pid) throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + OUTCOME_TIMEOUT_MILLIS;
    String state = null;
    while (System.currentTimeMillis() < deadline) {
      state = target.systemProperties().getProperty(ConfigSources.STATE_PROPERTY);
      if ("active".equals(state)) {
        System.out.println("mcpauth: JVM " + pid + " is protected");
        return 0;
      }
      if ("already active".equals(state)) {
        System.out.println("mcpauth: JVM " + pid + " is already protected; nothing to do");
        return 0;
      }
      if (state != null && state.startsWith("failed")) {
        break;
      }
      Thread.sleep(50);
    }
    System.err.println("mcpauth: JVM " + pid + " is NOT protected: " + (state == null ? "no answer from the agent" : state));
    return 1;
  }

  private static String agentJar() throws Exception {
    File jar = new File(AttachCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    return jar.getAbsolutePath();
  }
}
