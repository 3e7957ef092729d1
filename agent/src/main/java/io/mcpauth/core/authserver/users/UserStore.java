package io.mcpauth.core.authserver.users;

import io.mcpauth.core.authserver.store.ParsedFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The embedded authorization server's users, kept in a file ({@link UsersFile}) that the server
 * reads and the {@code user} command writes. The server sees a change (a user added, removed or
 * given a new password while it runs) at the next look, without a restart. A file that cannot be
 * read or parsed is an {@link IOException} every time it is consulted, never an empty user list.
 *
 * <p>What was granted to a user is bound to the user's <em>credential</em>: a fingerprint of the
 * stored password hash ({@link PasswordHash#fingerprint}), never the hash itself. Removing the user
 * or changing the password changes it, and with it the standing of everything granted under the old one.
 */
public final class UserStore {

  public static final int MIN_PASSWORD_LENGTH = 8;

  private final ParsedFile<Parsed> file;
  /** Unknown usernames are checked against this, so that they take as long as known ones. */
  private final String unmatchable = PasswordHash.unmatchable();

  /** One version of the file, with its credentials. */
  private record Parsed(UsersFile users, Credentials credentials) {
    Parsed(UsersFile users) {
      this(users, new Credentials(users));
    }
  }

  /** A user who signed in, and the credential they signed in with. */
  public record Account(String username, String credential) {}

  /**
   * The credentials of one version of the file: the same instance until the file changes, so that
   * a watcher can tell a change by identity and judge many grants against one consistent version.
   */
  public static final class Credentials {
    private final UsersFile users;

    private Credentials(UsersFile users) {
      this.users = users;
    }

    /** The user's credential, or null when there is no such user. */
    public String of(String username) {
      UsersFile.Entry entry = users.find(username);
      return entry == null ? null : entry.credential();
    }
  }

  private UserStore(Path usersFile) {
    this.file = new ParsedFile<>(usersFile, "users file",
        text -> new Parsed(text == null ? UsersFile.ABSENT : UsersFile.parse(text, usersFile)));
  }

  /** Reads the file now (it may not exist yet: no users); a damaged file is refused here. */
  public static UserStore open(Path usersFile) throws IOException {
    UserStore store = new UserStore(usersFile);
    store.file.current();
    return store;
  }

  public Path path() {
    return file.path();
  }

  /**
   * The user, with the canonical spelling of the username, when the password is right. An unknown
   * username costs one full password verification too. The caller keeps (and wipes) {@code password}.
   */
  public Optional<Account> authenticate(String username, char[] password) throws IOException {
    UsersFile.Entry entry = users().find(username);
    boolean matches = PasswordHash.verify(password, entry == null ? unmatchable : entry.hash());
    return matches && entry != null ? Optional.of(new Account(entry.username(), entry.credential())) : Optional.empty();
  }

  /** The credentials as the file stands now. */
  public Credentials credentials() throws IOException {
    return file.current().credentials();
  }

  /** The user's credential now, or null when there is no such user. */
  public String credential(String username) throws IOException {
    return credentials().of(username);
  }

  /**
   * Whether the user still exists with {@code credential}: false once the user was removed or the
   * password changed. This is what every grant, code and signed-in session of a user rests on.
   */
  public boolean holds(String username, String credential) throws IOException {
    return credential != null && credential.equals(credential(username));
  }

  public boolean isEmpty() throws IOException {
    return users().isEmpty();
  }

  /** Whether the name is taken, in any case. */
  public boolean contains(String username) throws IOException {
    return users().find(username) != null;
  }

  /** In file order; never the hashes. */
  public List<String> usernames() throws IOException {
    return users().usernames();
  }

  /**
   * Adds a user; false, and nothing written, when the name is taken (in any case). Throws
   * IllegalArgumentException for a username or password that breaks {@link #checkUsername} or
   * {@link #checkPassword}.
   */
  public boolean add(String username, char[] password) throws IOException {
    checkUsername(username);
    checkPassword(password);
    if (users().find(username) != null) {
      return false;
    }
    String hash = PasswordHash.hash(password);
    synchronized (this) {
      UsersFile users = users();
      if (users.find(username) != null) {
        return false;
      }
      file.write(users.with(username, hash));
    }
    return true;
  }

  /**
   * Gives a user a new password (a new hash with a new salt, on the user's line); false, and
   * nothing written, when there is no such user. Throws IllegalArgumentException for a password
   * that breaks {@link #checkPassword}.
   */
  public boolean setPassword(String username, char[] password) throws IOException {
    checkPassword(password);
    if (users().find(username) == null) {
      return false;
    }
    String hash = PasswordHash.hash(password);
    synchronized (this) {
      UsersFile users = users();
      if (users.find(username) == null) {
        return false;
      }
      file.write(users.withHash(username, hash));
    }
    return true;
  }

  /** False, and nothing written, when there is no such user. */
  public synchronized boolean remove(String username) throws IOException {
    UsersFile users = users();
    if (users.find(username) == null) {
      return false;
    }
    file.write(users.without(username));
    return true;
  }

  public static void checkUsername(String username) {
    if (!UsersFile.isValidUsername(username)) {
      throw new IllegalArgumentException("a username is " + UsersFile.USERNAME_RULE);
    }
  }

  public static void checkPassword(char[] password) {
    if (password == null || Character.codePointCount(password, 0, password.length) < MIN_PASSWORD_LENGTH) {
      throw new IllegalArgumentException("a password needs at least " + MIN_PASSWORD_LENGTH + " characters");
    }
  }

  /** The users as the file stands now. */
  private UsersFile users() throws IOException {
    return file.current().users();
  }
}
