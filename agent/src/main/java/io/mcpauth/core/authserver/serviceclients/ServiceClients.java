package io.mcpauth.core.authserver.serviceclients;

import io.mcpauth.core.authserver.Secrets;
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
import java.util.Map;

/**
 * The embedded authorization server's service clients, kept in a file ({@link ServiceClientsFile})
 * that the {@code client} command writes and the server only reads: the server sees a change at
 * the next token request for that client, and at its next {@link #refresh()} (every second) for
 * the tokens it already issued. A file that cannot be read or parsed is an {@link IOException}
 * every time it is consulted, and then no service-client token is accepted until it is fixed.
 */
public final class ServiceClients {

  /** A client just added or given a new secret, with that secret: shown once, never stored. */
  public record Issued(ServiceClient client, String secret) {}

  private final AtomicFile file;
  private volatile Snapshot snapshot;
  /** Credential id to client id, for the tokens the resource server admits; empty while the file is damaged. */
  private volatile Map<String, String> credentials = Map.of();

  /** What identifies one version of the file: a rewrite is a rename, so the file key (inode) changes too. */
  private record Version(Object fileKey, FileTime modified, long size) {
    static final Version ABSENT = new Version(null, null, -1);
  }

  private record Snapshot(Version version, ServiceClientsFile clients) {}

  private ServiceClients(Path path) {
    this.file = new AtomicFile(path);
  }

  /** Reads the file now (it may not exist yet: no service clients); a damaged file is refused here. */
  public static ServiceClients open(Path path) throws IOException {
    ServiceClients store = new ServiceClients(path);
    store.current();
    return store;
  }

  public Path path() {
    return file.path();
  }

  /** The client, or null when there is none of this id (or the id could never be a service client's). */
  public ServiceClient find(String clientId) throws IOException {
    return ServiceClientsFile.isValidClientId(clientId) ? current().clients().find(clientId) : null;
  }

  /** Sorted by id. */
  public List<ServiceClient> clients() throws IOException {
    return current().clients().clients();
  }

  /**
   * Adds a client with a new secret; null, and nothing written, when the id is taken. Throws
   * IllegalArgumentException for an id or scopes that break {@link #checkClientId} or {@link #checkScopes}.
   */
  public synchronized Issued add(String clientId, List<String> scopes, long now) throws IOException {
    checkClientId(clientId);
    checkScopes(scopes);
    ServiceClientsFile clients = current().clients();
    if (clients.find(clientId) != null) {
      return null;
    }
    String secret = Secrets.random();
    ServiceClient client = new ServiceClient(clientId, Secrets.sha256(secret), Secrets.identifier(), scopes, now, now);
    write(clients.with(client));
    return new Issued(client, secret);
  }

  /** False, and nothing written, when there is no such client. */
  public synchronized boolean remove(String clientId) throws IOException {
    ServiceClientsFile clients = current().clients();
    if (clients.find(clientId) == null) {
      return false;
    }
    write(clients.without(clientId));
    return true;
  }

  /**
   * Replaces the client's secret, and with it the credential its tokens carry: the old secret and
   * every token bought with it stop working. Null, and nothing written, when there is no such client.
   */
  public synchronized Issued rotateSecret(String clientId, long now) throws IOException {
    ServiceClientsFile clients = current().clients();
    ServiceClient old = clients.find(clientId);
    if (old == null) {
      return null;
    }
    String secret = Secrets.random();
    ServiceClient client = new ServiceClient(clientId, Secrets.sha256(secret), Secrets.identifier(), old.scopes(),
        old.createdAt(), now);
    write(clients.with(client));
    return new Issued(client, secret);
  }

  /** Reads the file again when it changed; on failure no service-client token is admitted until it reads well. */
  public void refresh() throws IOException {
    current();
  }

  /**
   * Whether a token carrying {@code credentialId} for {@code clientId} is still good: the client
   * exists and the token was bought with its current secret. Called for every request the resource
   * server admits with such a token, so it reads only memory: one lookup, no allocation.
   */
  public boolean admits(String credentialId, String clientId) {
    return credentialId != null && clientId != null && clientId.equals(credentials.get(credentialId));
  }

  public static void checkClientId(String clientId) {
    if (clientId != null && clientId.startsWith("https://")) {
      throw new IllegalArgumentException("a client id starting with https:// names a Client ID Metadata Document");
    }
    if (!ServiceClientsFile.isValidClientId(clientId)) {
      throw new IllegalArgumentException("a service client id is " + ServiceClientsFile.CLIENT_ID_RULE);
    }
  }

  public static void checkScopes(List<String> scopes) {
    String problem = ServiceClientsFile.scopeProblem(scopes);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** The parsed file, read again when it changed since the last look. */
  private Snapshot current() throws IOException {
    Version now;
    try {
      now = versionOnDisk();
      Snapshot seen = snapshot;
      if (seen != null && seen.version().equals(now)) {
        return seen;
      }
      synchronized (this) {
        seen = snapshot;
        if (seen == null || !seen.version().equals(now)) {
          seen = load();
          snapshot = seen;
          credentials = seen.clients().credentials();
        }
        return seen;
      }
    } catch (IOException e) {
      // Fail closed: while the file cannot be read, no token of a service client passes.
      credentials = Map.of();
      snapshot = null;
      throw e;
    }
  }

  /** The version is taken before the content: a change in between is then seen, and read, next time. */
  private Snapshot load() throws IOException {
    Version version = versionOnDisk();
    String text;
    try {
      text = file.read();
    } catch (CharacterCodingException e) {
      throw new IOException(path() + " is not UTF-8 text; the service-clients file is damaged (fix or restore it)", e);
    } catch (IOException e) {
      throw new IOException("cannot read the service-clients file " + path() + ": " + reason(e), e);
    }
    return new Snapshot(version, text == null ? ServiceClientsFile.ABSENT : ServiceClientsFile.parse(text, path()));
  }

  private void write(ServiceClientsFile clients) throws IOException {
    try {
      file.write(clients.toText());
    } catch (IOException e) {
      throw new IOException("cannot write the service-clients file " + path() + ": " + reason(e), e);
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
      throw new IOException("cannot read the service-clients file " + path() + ": " + reason(e), e);
    }
  }
}
