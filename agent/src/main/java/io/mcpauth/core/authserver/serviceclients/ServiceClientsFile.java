package io.mcpauth.core.authserver.serviceclients;

import io.mcpauth.core.authserver.store.DataFormat;
import io.mcpauth.core.json.JsonWriter;
import io.mcpauth.core.json.StrictJson;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The service-clients file's format, one parsed version of it: a JSON object
 * {@code {"service_clients": {ID: {"secret_sha256", "credential_id", "scope", "created", "secret_set"}}}}.
 * Every entry must be valid: a damaged file is refused whole, never half-read.
 */
final class ServiceClientsFile {

  static final String CLIENT_ID_RULE = "1 to 64 characters from A-Z a-z 0-9 . _ -, starting with a letter or digit, "
      + "and not 22 characters from A-Z a-z 0-9 _ - alone (that is the shape of the ids the server gives registered clients)";
  private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  /** Secrets.identifier(): 16 random bytes, base64url. A DCR client id always has this shape. */
  private static final Pattern REGISTERED_CLIENT_ID = Pattern.compile("[A-Za-z0-9_-]{22}");
  /** RFC 6749 §3.3 scope-token characters. */
  private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,128}");
  private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern CREDENTIAL_ID = Pattern.compile("[A-Za-z0-9_-]{22}");

  static final ServiceClientsFile ABSENT = new ServiceClientsFile(Map.of());

  private final Map<String, ServiceClient> clients;
  /** Credential id to client id, made once per version of the file. */
  private final Map<String, String> credentials;

  private ServiceClientsFile(Map<String, ServiceClient> clients) {
    this.clients = clients;
    Map<String, String> credentials = new LinkedHashMap<>();
    clients.values().forEach(c -> credentials.put(c.credentialId(), c.clientId()));
    this.credentials = Map.copyOf(credentials);
  }

  /**
   * Whether {@code clientId} may name a service client. The rule keeps service clients apart from
   * registered clients (whose ids are 22 base64url characters) and from metadata-document clients
   * (https URLs), so that no id can mean two clients.
   */
  static boolean isValidClientId(String clientId) {
    return clientId != null && CLIENT_ID.matcher(clientId).matches() && !REGISTERED_CLIENT_ID.matcher(clientId).matches();
  }

  /** Why a scope list cannot be a service client's, or null when it can. */
  static String scopeProblem(List<String> scopes) {
    if (scopes.isEmpty()) {
      return "a service client needs at least one scope";
    }
    for (String scope : scopes) {
      if (!SCOPE.matcher(scope).matches()) {
        return "a scope is 1 to 128 printable ASCII characters without space, '\"' or '\\'";
      }
      if (scope.equals("offline_access")) {
        return "offline_access is never granted to a service client (it gets no refresh token)";
      }
    }
    if (scopes.stream().distinct().count() != scopes.size()) {
      return "a scope is given twice";
    }
    return null;
  }

  static ServiceClientsFile parse(String text, Path source) throws IOException {
    Map<String, Object> document;
    try {
      document = StrictJson.parseObject(text, source.getFileName().toString());
    } catch (StrictJson.MalformedJsonException e) {
      throw damaged(source, e.getMessage());
    }
    int members = document.containsKey(DataFormat.MEMBER) ? 2 : 1;
    DataFormat.version(document, source);
    if (!(document.get("service_clients") instanceof Map<?, ?> entries) || document.size() != members) {
      throw damaged(source, "expected the members format and service_clients, an object");
    }
    Map<String, ServiceClient> clients = new LinkedHashMap<>();
    for (Map.Entry<?, ?> item : entries.entrySet()) {
      String id = (String) item.getKey();
      if (!isValidClientId(id)) {
        throw damaged(source, "a client id is not " + CLIENT_ID_RULE);
      }
      if (!(item.getValue() instanceof Map<?, ?> entry)) {
        throw damaged(source, "client '" + id + "' is not an object");
      }
      clients.put(id, entry(id, entry, source));
    }
    return new ServiceClientsFile(Collections.unmodifiableMap(clients));
  }

  private static ServiceClient entry(String id, Map<?, ?> entry, Path source) throws IOException {
    // Values are never quoted in errors: the file holds hashes, and a secret pasted by mistake must not reach a log.
    if (!(entry.get("secret_sha256") instanceof String hash) || !HASH.matcher(hash).matches()) {
      throw damaged(source, "client '" + id + "': secret_sha256 is not 64 lower-case hex digits");
    }
    if (!(entry.get("credential_id") instanceof String credentialId) || !CREDENTIAL_ID.matcher(credentialId).matches()) {
      throw damaged(source, "client '" + id + "': credential_id is not 22 base64url characters");
    }
    if (!(entry.get("scope") instanceof String scope)) {
      throw damaged(source, "client '" + id + "': scope is not a string");
    }
    List<String> scopes = List.of(scope.split(" ", -1));
    String problem = scopeProblem(scopes);
    if (problem != null) {
      throw damaged(source, "client '" + id + "': " + problem);
    }
    if (!(entry.get("created") instanceof Long created) || !(entry.get("secret_set") instanceof Long secretSet)) {
      throw damaged(source, "client '" + id + "': created and secret_set must be whole seconds");
    }
    if (entry.size() != 5) {
      throw damaged(source, "client '" + id + "' has members other than secret_sha256, credential_id, scope, created, secret_set");
    }
    return new ServiceClient(id, HexFormat.of().parseHex(hash), credentialId, scopes, created, secretSet);
  }

  private static IOException damaged(Path source, String problem) {
    return new IOException(source + ": " + problem + "; the service-clients file is damaged (fix or restore it)");
  }

  ServiceClient find(String clientId) {
    return clientId == null ? null : clients.get(clientId);
  }

  List<ServiceClient> clients() {
    return clients.values().stream().sorted(java.util.Comparator.comparing(ServiceClient::clientId)).toList();
  }

  /** The credential ids, each with its client id: what the resource server checks tokens against. */
  Map<String, String> credentials() {
    return credentials;
  }

  /** This file with {@code client} added, or replacing the client of the same id. */
  ServiceClientsFile with(ServiceClient client) {
    Map<String, ServiceClient> next = new LinkedHashMap<>(clients);
    next.put(client.clientId(), client);
    return new ServiceClientsFile(Collections.unmodifiableMap(next));
  }

  ServiceClientsFile without(String clientId) {
    Map<String, ServiceClient> next = new LinkedHashMap<>(clients);
    next.remove(clientId);
    return new ServiceClientsFile(Collections.unmodifiableMap(next));
  }

  String toText() {
    Map<String, Object> entries = new LinkedHashMap<>();
    for (ServiceClient client : clients.values()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("secret_sha256", HexFormat.of().formatHex(client.secretHash()));
      entry.put("credential_id", client.credentialId());
      entry.put("scope", String.join(" ", client.scopes()));
      entry.put("created", client.createdAt());
      entry.put("secret_set", client.secretSetAt());
      entries.put(client.clientId(), entry);
    }
    return JsonWriter.write(DataFormat.versioned(Map.of("service_clients", entries))) + "\n";
  }
}
