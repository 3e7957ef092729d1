package io.mcpauth.core.authserver.users;

import io.mcpauth.core.authserver.store.AtomicFile;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
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

  private final AtomicFile file;
  /** Unknown usernames are checked against this, so that they take as long as known ones. */
  private final String unmatchable = PasswordHash.unmatchable();
  private volatile Snapshot snapshot;

  /** What identifies one version of the file: a rewrite is a rename, so the file key (inode) changes too. */
  private record Version(Object fileKey, FileTime modified, long size) {
    static final Version ABSENT = new Version(null, null, -1);
  }

  private record Snapshot(Version version, UsersFile users, Credentials credentials) {
    Snapshot(Version version, UsersFile users) {
      this(version, users, new Credentials(users));
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
    this.file = new AtomicFile(usersFile);
  }

  /** Reads the file now (it may not exist yet: no users); a damaged file is refused here. */
  public static UserStore open(Path usersFile) throws IOException {
    UserStore store = new UserStore(usersFile);
    store.current();
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
    UsersFile.Entry entry = current().users().find(username);
    boolean matches = PasswordHash.verify(password, entry == null ? unmatchable : entry.hash());
    return matches && entry != null ? Optional.of(new Account(entry.username(), entry.credential())) : Optional.empty();
  }

  /** The credentials as the file stands now. */
  public Credentials credentials() throws IOException {
    return current().credentials();
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
    return current().users().isEmpty();
  }

  /** Whether the name is taken, in any case. */
  public boolean contains(String username) throws IOException {
    return current().users().find(username) != null;
  }

  /** In file order; never the hashes. */
  public List<String> usernames() throws IOException {
    return current().users().usernames();
  }

  /**
   * Adds a user; false, and nothing written, when the name is taken (in any case). Throws
   * IllegalArgumentException for a username or password that breaks {@link #checkUsername} or
   * {@link #checkPassword}.
   */
  public boolean add(String username, char[] password) throws IOException {
    checkUsername(username);
    checkPassword(password);
    if (current().users().find(username) != null) {
      return false;
    }
    String hash = PasswordHash.hash(password);
    synchronized (this) {
      UsersFile users = current().users();
      if (users.find(username) != null) {
        return false;
      }
      write(users.with(username, hash));
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
    if (current().users().find(username) == null) {
      return false;
    }
    String hash = PasswordHash.hash(password);
    synchronized (this) {
      UsersFile users = current().users();
      if (users.find(username) == null) {
        return false;
      }
      write(users.withHash(username, hash));
    }
    return true;
  }

  /** False, and nothing written, when there is no such user. */
  public synchronized boolean remove(String username) throws IOException {
    UsersFile users = current().users();
    if (users.find(username) == null) {
      return false;
    }
    write(users.without(username));
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

  /** The parsed file, read again when it changed since the last look. */
  private Snapshot current() throws IOException {
    Version now = versionOnDisk();
    Snapshot seen = snapshot;
    if (seen != null && seen.version().equals(now)) {
      return seen;
    }
    synchronized (this) {
      seen = snapshot;
      if (seen == null || !seen.version().equals(now)) {
        seen = load();
        snapshot = seen;
      }
      return seen;
    }
  }

  /** The version is taken before the content: a change in between is then seen, and read, next time. */
  private Snapshot load() throws IOException {
    Version version = versionOnDisk();
    String text;
    try {
      text = file.read();
    } catch (CharacterCodingException e) {
      throw new IOException(path() + " is not UTF-8 text; the users file is damaged (fix or restore it)", e);
    } catch (IOException e) {
      throw new IOException("cannot read the users file " + path() + ": " + reason(e), e);
    }
    return new Snapshot(version, text == null ? UsersFile.ABSENT : UsersFile.parse(text, path()));
  }

  private void write(String content) throws IOException {
    try {
      file.write(content);
    } catch (IOException e) {
      throw new IOException("cannot write the users file " + path() + ": " + reason(e), e);
    } finally {
      snapshot = null;
    }
  }

  /** The JDK's file-system exceptions carry little more than a path in their message. */
  private static String reason(IOException e) {
    if (e instanceof FileSystemException failed) {
      String what = e instanceof AccessDeniedException ? "permission denied"
          : failed.getReason() != null ? failed.getReason() : e.getClass().getSimpleName();
      return failed.getFile() != null ? what + " (" + failed.getFile() + ")" : what;
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  private Version versionOnDisk() throws IOException {
    try {
      BasicFileAttributes attributes = Files.readAttributes(path(), BasicFileAttributes.class);
      return new Version(attributes.fileKey(), attributes.lastModifiedTime(), attributes.size());
    } catch (NoSuchFileException e) {
      return Version.ABSENT;
    } catch (IOException e) {
      throw new IOException("cannot read the users file " + path() + ": " + reason(e), e);
    }
  }
}
