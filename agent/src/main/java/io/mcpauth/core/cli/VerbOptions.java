package io.mcpauth.core.cli;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The options of one verb of a command ({@code user add ...}, {@code client add ...}):
 * {@code --name value} or {@code --name=value}, each at most once, and nothing else. Values are
 * never repeated in an error: a stray argument could be a secret typed in the wrong place.
 */
public final class VerbOptions {

  /** The arguments are wrong: the message is for standard error, and the exit status is 2. */
  public static final class UsageException extends Exception {
    public UsageException(String message) {
      super(message);
    }
  }

  private VerbOptions() {}

  /**
   * @param command the command, for the help hint: {@code user}, {@code client}
   * @param never options that are never accepted, each with the reason given (e.g. a password on the command line)
   */
  public static Map<String, String> parse(String command, String verb, String[] args, List<String> allowed,
      Map<String, String> never) throws UsageException {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      String value = null;
      int eq = name.indexOf('=');
      if (name.startsWith("--") && eq > 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (never.containsKey(name)) {
        throw new UsageException(verb + ": " + never.get(name));
      }
      if (!allowed.contains(name)) {
        String what = name.matches("--?[A-Za-z0-9-]{1,40}") ? "option '" + name + "'" : "argument #" + (i + 1);
        throw new UsageException(verb + ": unknown " + what + "; try 'java -jar mcpauth-agent.jar " + command + " " + verb
            + " --help'");
      }
      if (value == null) {
        if (i + 1 == args.length) {
          throw new UsageException(verb + ": " + name + " needs a value");
        }
        value = args[++i];
      }
      if (value.isEmpty()) {
        throw new UsageException(verb + ": " + name + " needs a value");
      }
      if (options.put(name, value) != null) {
        throw new UsageException(verb + ": " + name + " is given twice");
      }
    }
    return options;
  }

  static boolean wantsHelp(String[] args) {
    return Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h");
  }
}
