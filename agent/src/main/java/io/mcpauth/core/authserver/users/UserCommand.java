package io.mcpauth.core.authserver.users;

import io.mcpauth.core.cli.VerbCommand;
import io.mcpauth.core.cli.VerbCommand.Verb;
import io.mcpauth.core.cli.VerbOptions.UsageException;
import io.mcpauth.core.config.ConfigSources;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code user add|remove|passwd|list}: manages the embedded authorization server's users file. Passwords
 * are never taken from the command line (other users can read it in the process list), and no
 * password or hash is ever printed.
 */
public final class UserCommand {

  static final String USAGE = """
      usage: java -jar mcpauth-agent.jar user add|remove|passwd|list [--users-file FILE] [--username NAME]

      Manages the users who can sign in to the embedded authorization server (the one the agent
      runs when mcpauth.issuer is not set).
        user add --username NAME      adds a user; asks for the password twice at a terminal,
                                      else reads it as one line from standard input
        user remove --username NAME   removes a user
        user passwd --username NAME   gives a user a new password; asks for it like add
        user list                     prints the usernames, one a line
      A running server sees a change within seconds: a removed user, or one with a new password, is
      signed out and the user's refresh and access tokens are revoked.
      --users-file FILE  default: mcpauth.as.users, else DATA/users where DATA is mcpauth.as.data (~/.mcpauth)
      Exit status: 0 done, 1 refused or failed (nothing changed), 2 invalid arguments.
      'user add --help' (and remove, passwd, list) describe each verb.""";

  static final String ADD_USAGE = """
      usage: java -jar mcpauth-agent.jar user add --username NAME [--users-file FILE]

      Adds a user. At a terminal the password is asked twice, without echo; otherwise the first line
      of standard input is the password, e.g. printf '%%s\\n' "$PW" | java -jar mcpauth-agent.jar user add ...
      A password has at least %d characters. A username is %s,
      matched without regard to case.
      An existing user is refused: to change a password, 'user passwd'.
      --users-file FILE  default: mcpauth.as.users, else DATA/users where DATA is mcpauth.as.data (~/.mcpauth)
      Exit status: 0 added, 1 refused or failed (nothing changed), 2 invalid arguments."""
      .formatted(UserStore.MIN_PASSWORD_LENGTH, UsersFile.USERNAME_RULE);

  static final String REMOVE_USAGE = """
      usage: java -jar mcpauth-agent.jar user remove --username NAME [--users-file FILE]

      Removes a user. A running server refuses the user's next sign-in and, within seconds, revokes
      the user's refresh and access tokens and ends the user's signed-in browser sessions.
      --users-file FILE  default: mcpauth.as.users, else DATA/users where DATA is mcpauth.as.data (~/.mcpauth)
      Exit status: 0 removed, 1 no such user or failed (nothing changed), 2 invalid arguments.""";

  static final String PASSWD_USAGE = """
      usage: java -jar mcpauth-agent.jar user passwd --username NAME [--users-file FILE]

      Gives an existing user a new password, read like 'user add' reads it: at a terminal asked twice,
      without echo; otherwise the first line of standard input. A password has at least %d characters.
      A running server, within seconds, revokes the user's refresh and access tokens and ends the
      user's signed-in browser sessions, as for a removed user: the old password may be known to
      someone else. The user signs in again with the new password.
      --users-file FILE  default: mcpauth.as.users, else DATA/users where DATA is mcpauth.as.data (~/.mcpauth)
      Exit status: 0 changed, 1 no such user, refused or failed (nothing changed), 2 invalid arguments."""
      .formatted(UserStore.MIN_PASSWORD_LENGTH);

  static final String LIST_USAGE = """
      usage: java -jar mcpauth-agent.jar user list [--users-file FILE]

      Prints the usernames, one a line (never a password hash).
      --users-file FILE  default: mcpauth.as.users, else DATA/users where DATA is mcpauth.as.data (~/.mcpauth)
      Exit status: 0 listed (possibly none), 1 the file cannot be read, 2 invalid arguments.""";

  private static final String USERS_FILE = "--users-file";
  private static final String USERNAME = "--username";

  private final InputStream in;
  private final PrintStream out;
  private final PrintStream err;
  /** Null when standard input is not a terminal. */
  private final Console terminal;
  private final ConfigSources settings;
  private final VerbCommand verbs;

  UserCommand(InputStream in, PrintStream out, PrintStream err, Console terminal, ConfigSources settings) {
    this.in = in;
    this.out = out;
    this.err = err;
    this.terminal = terminal;
    this.settings = settings;
    this.verbs = new VerbCommand("user", USAGE, Map.of("--password", "passwords are never taken from the "
        + "command line (other users can see it); 'user add' and 'user passwd' ask for it, or read it from standard input"),
        out, err);
  }

  public static int run(String[] args) {
    return new UserCommand(System.in, System.out, System.err, terminal(), ConfigSources.fromProcess()).execute(args);
  }

  int execute(String[] args) {
    return verbs.execute(args,
        new Verb("add", ADD_USAGE, List.of(USERS_FILE, USERNAME), this::add),
        new Verb("remove", REMOVE_USAGE, List.of(USERS_FILE, USERNAME), this::remove),
        new Verb("passwd", PASSWD_USAGE, List.of(USERS_FILE, USERNAME), this::passwd),
        new Verb("list", LIST_USAGE, List.of(USERS_FILE), this::list));
  }

  private int add(Map<String, String> options) throws UsageException, IOException {
    String username = username(options);
    UserStore store = UserStore.open(usersFile(options));
    if (store.contains(username)) {
      return refused("user '" + username + "' already exists in " + store.path()
          + "; to change the password, 'user passwd'");
    }
    return writePassword(username, password -> store.add(username, password),
        "user '" + username + "' already exists in " + store.path(),
        "mcpauth: added user '" + username + "' to " + store.path());
  }

  private int remove(Map<String, String> options) throws UsageException, IOException {
    String username = username(options);
    UserStore store = UserStore.open(usersFile(options));
    if (!store.remove(username)) {
      return refused("no user '" + username + "' in " + store.path());
    }
    out.println("mcpauth: removed user '" + username + "' from " + store.path());
    return 0;
  }

  private int passwd(Map<String, String> options) throws UsageException, IOException {
    String username = username(options);
    UserStore store = UserStore.open(usersFile(options));
    if (!store.contains(username)) {
      return refused("no user '" + username + "' in " + store.path() + "; to add one, 'user add'");
    }
    return writePassword(username, password -> store.setPassword(username, password),
        "no user '" + username + "' in " + store.path(),
        "mcpauth: changed the password of user '" + username + "' in " + store.path());
  }

  /** A write of a password to the users file: false when the user's standing changed meanwhile. */
  private interface PasswordWrite {
    boolean write(char[] password) throws IOException;
  }

  /** Reads the password, writes it, and wipes it, written or not. */
  private int writePassword(String username, PasswordWrite write, String refusal, String done) throws IOException {
    char[] password;
    try {
      password = readPassword(username);
    } catch (PasswordInput.Refused e) {
      return refused(e.getMessage());
    }
    try {
      if (!write.write(password)) {
        return refused(refusal);
      }
    } catch (IllegalArgumentException e) {
      return refused(e.getMessage());
    } finally {
      Arrays.fill(password, '\0');
    }
    out.println(done);
    return 0;
  }

  private char[] readPassword(String username) throws PasswordInput.Refused, IOException {
    return terminal != null ? PasswordInput.fromTerminal(terminal, username) : PasswordInput.fromLine(in);
  }

  private int list(Map<String, String> options) throws IOException {
    UserStore store = UserStore.open(usersFile(options));
    List<String> usernames = store.usernames();
    usernames.forEach(out::println);
    if (usernames.isEmpty()) {
      err.println("mcpauth: no users in " + store.path() + (Files.exists(store.path()) ? "" : " (the file does not exist yet)"));
    }
    return 0;
  }

  private int refused(String message) {
    return verbs.refused(message);
  }

  private static String username(Map<String, String> options) throws UsageException {
    String username = options.get(USERNAME);
    if (username == null) {
      throw new UsageException("--username NAME is required");
    }
    try {
      UserStore.checkUsername(username);
    } catch (IllegalArgumentException e) {
      throw new UsageException("invalid username: " + e.getMessage());
    }
    return username;
  }

  private Path usersFile(Map<String, String> options) {
    String file = options.get(USERS_FILE);
    return file != null ? UsersFileLocation.toPath(file) : UsersFileLocation.of(settings);
  }

  /** On JDK 22 and later System.console() is not null when input is redirected; Console.isTerminal() says. */
  private static Console terminal() {
    Console console = System.console();
    if (console == null) {
      return null;
    }
    try {
      return Boolean.TRUE.equals(Console.class.getMethod("isTerminal").invoke(console)) ? console : null;
    } catch (ReflectiveOperationException e) {
      return console;
    }
  }
}
