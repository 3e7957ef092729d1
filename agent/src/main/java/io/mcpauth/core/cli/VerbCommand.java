package io.mcpauth.core.cli;

import io.mcpauth.core.cli.VerbOptions.UsageException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A command made of verbs ({@code user add}, {@code client list}): the verb is chosen, its options
 * read ({@link VerbOptions}), its help printed, and its outcome turned into the exit status that
 * every such command shares: 0 done, 1 refused or failed with nothing changed, 2 invalid arguments.
 */
public final class VerbCommand {

  /** What a verb does with its options; returns the exit status. */
  @FunctionalInterface
  public interface Action {
    int run(Map<String, String> options) throws UsageException, IOException;
  }

  /** One verb: its name, its help text, the options it takes, and its action. */
  public record Verb(String name, String usage, List<String> options, Action action) {}

  private final String command;
  private final String usage;
  /** Options never accepted by any verb, each with the reason given (a secret on the command line). */
  private final Map<String, String> never;
  private final PrintStream out;
  private final PrintStream err;

  public VerbCommand(String command, String usage, Map<String, String> never, PrintStream out, PrintStream err) {
    this.command = command;
    this.usage = usage;
    this.never = never;
    this.out = out;
    this.err = err;
  }

  public int execute(String[] args, Verb... verbs) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      out.println(usage);
      return args.length == 0 ? 2 : 0;
    }
    String name = args[0];
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    try {
      Verb verb = Arrays.stream(verbs).filter(v -> v.name().equals(name)).findFirst().orElseThrow(
          () -> new UsageException("unknown verb" + (name.matches("[A-Za-z-]{1,20}") ? " '" + name + "'" : "")
              + "; try 'java -jar mcpauth-agent.jar " + command + " --help'"));
      if (VerbOptions.wantsHelp(rest)) {
        out.println(verb.usage());
        return 0;
      }
      return verb.action().run(VerbOptions.parse(command, name, rest, verb.options(), never));
    } catch (UsageException e) {
      err.println("mcpauth: " + command + ": " + e.getMessage());
      return 2;
    } catch (IOException e) {
      err.println("mcpauth: " + e.getMessage());
      return 1;
    }
  }

  /** Says why nothing was changed; the exit status 1. */
  public int refused(String message) {
    err.println("mcpauth: " + message + "; nothing was changed");
    return 1;
  }
}
