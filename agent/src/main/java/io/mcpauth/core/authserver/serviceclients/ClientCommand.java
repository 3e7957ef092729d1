package io.mcpauth.core.authserver.serviceclients;

import io.mcpauth.core.authserver.users.UsersFileLocation;
import io.mcpauth.core.cli.VerbCommand;
import io.mcpauth.core.cli.VerbCommand.Verb;
import io.mcpauth.core.cli.VerbOptions.UsageException;
import io.mcpauth.core.config.ConfigKey;
import io.mcpauth.core.config.ConfigSources;
import io.mcpauth.core.text.Ascii;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * {@code client add|remove|list|rotate-secret}: manages the embedded authorization server's service
 * clients, the only clients that get tokens with the client-credentials grant (RFC 6749 §4.4: the
 * client is arranged beforehand, here by the operator; open registration never makes one). A secret
 * is generated here, printed once, and stored only as its SHA-256; it is never taken from the
 * command line and never appears in an error.
 */
public final class ClientCommand {

  static final String USAGE = """
      usage: java -jar mcpauth-agent.jar client add|remove|list|rotate-secret [--clients-file FILE] [--client-id ID] [--scope "A B"]

      Manages the service clients of the embedded authorization server (the one the agent runs when
      mcpauth.issuer is not set): programs that get access tokens for themselves, with no user, by the
      client-credentials grant and HTTP Basic client authentication.
        client add --client-id ID --scope "A B"   adds a client that may be granted those scopes; prints its secret once
        client rotate-secret --client-id ID       gives the client a new secret (printed once); the old one stops working
        client remove --client-id ID              removes the client; its tokens stop working
        client list                               prints the ids and scopes, one client a line (never a secret)
      A running server sees changes without a restart: at once at the token endpoint, within a second at the
      resource server.
      --clients-file FILE  default: mcpauth.as.service-clients, else DATA/service-clients where DATA is mcpauth.as.data (~/.mcpauth)
      Exit status: 0 done, 1 refused or failed (nothing changed), 2 invalid arguments.
      'client add --help' (and remove, list, rotate-secret) describe each verb.""";

  static final String ADD_USAGE = """
      usage: java -jar mcpauth-agent.jar client add --client-id ID --scope "A B" [--clients-file FILE]

      Adds a service client and prints, once, its client_id and client_secret (a 256-bit random value;
      only its SHA-256 is stored). Standard output holds just those two lines, as client_id=... and
      client_secret=...; everything else goes to standard error.
      The client is granted at most these scopes (one at least; offline_access never), and only those of
      them the server offers (mcpauth.as.scopes); a token request may narrow them with its scope parameter.
      A client id is %s.
      An existing client is refused: to change its scopes, 'client remove' then 'client add'.
      --clients-file FILE  default: mcpauth.as.service-clients, else DATA/service-clients where DATA is mcpauth.as.data (~/.mcpauth)
      Exit status: 0 added, 1 refused or failed (nothing changed), 2 invalid arguments."""
      .formatted(ServiceClientsFile.CLIENT_ID_RULE);

  static final String ROTATE_USAGE = """
      usage: java -jar mcpauth-agent.jar client rotate-secret --client-id ID [--clients-file FILE]

      Gives a service client a new secret and prints it once, as client_id=... and client_secret=... on
      standard output. The old secret stops working at once, and so do the access tokens it bought
      (at the resource server within a second).
      --clients-file FILE  default: mcpauth.as.service-clients, else DATA/service-clients where DATA is mcpauth.as.data (~/.mcpauth)
      Exit status: 0 rotated, 1 no such client or failed (nothing changed), 2 invalid arguments.""";

  static final String REMOVE_USAGE = """
      usage: java -jar mcpauth-agent.jar client remove --client-id ID [--clients-file FILE]

      Removes a service client: a running server refuses its next token request at once, and its
      access tokens at the resource server within a second.
      --clients-file FILE  default: mcpauth.as.service-clients, else DATA/service-clients where DATA is mcpauth.as.data (~/.mcpauth)
      Exit status: 0 removed, 1 no such client or failed (nothing changed), 2 invalid arguments.""";

  static final String LIST_USAGE = """
      usage: java -jar mcpauth-agent.jar client list [--clients-file FILE]

      Prints each service client as its id, a tab and its scopes, one a line (never a secret or a hash).
      --clients-file FILE  default: mcpauth.as.service-clients, else DATA/service-clients where DATA is mcpauth.as.data (~/.mcpauth)
      Exit status: 0 listed (possibly none), 1 the file cannot be read, 2 invalid arguments.""";

  private static final String CLIENTS_FILE = "--clients-file";
  private static final String CLIENT_ID = "--client-id";
  private static final String SCOPE = "--scope";

  private final PrintStream out;
  private final PrintStream err;
  private final ConfigSources settings;
  private final Clock clock;
  private final VerbCommand verbs;

  ClientCommand(PrintStream out, PrintStream err, ConfigSources settings, Clock clock) {
    this.out = out;
    this.err = err;
    this.settings = settings;
    this.clock = clock;
    String never = "a secret is never taken from the command line: 'client add' and 'client rotate-secret' generate "
        + "one and print it once";
    this.verbs = new VerbCommand("client", USAGE, Map.of("--client-secret", never, "--secret", never), out, err);
  }

  public static int run(String[] args) {
    return new ClientCommand(System.out, System.err, ConfigSources.fromProcess(), Clock.systemUTC()).execute(args);
  }

  int execute(String[] args) {
    return verbs.execute(args,
        new Verb("add", ADD_USAGE, List.of(CLIENTS_FILE, CLIENT_ID, SCOPE), this::add),
        new Verb("rotate-secret", ROTATE_USAGE, List.of(CLIENTS_FILE, CLIENT_ID), this::rotateSecret),
        new Verb("remove", REMOVE_USAGE, List.of(CLIENTS_FILE, CLIENT_ID), this::remove),
        new Verb("list", LIST_USAGE, List.of(CLIENTS_FILE), this::list));
  }

  private int add(Map<String, String> options) throws UsageException, IOException {
    String clientId = clientId(options);
    List<String> scopes = scopes(options);
    ServiceClients store = ServiceClients.open(clientsFile(options));
    if (store.find(clientId) != null) {
      return refused("service client '" + clientId + "' already exists in " + store.path()
          + "; to change its scopes, 'client remove' then 'client add'");
    }
    ServiceClients.Issued issued = store.add(clientId, scopes, clock.instant().getEpochSecond());
    if (issued == null) {
      return refused("service client '" + clientId + "' already exists in " + store.path());
    }
    printSecret(issued);
    err.println("mcpauth: added service client '" + clientId + "' with scope '" + issued.client().scope() + "' to "
        + store.path() + "; the secret above is shown only now: give it to the client (HTTP Basic at /token, "
        + "grant_type=client_credentials)");
    warnAboutScopesNotOffered(scopes);
    return 0;
  }

  private int rotateSecret(Map<String, String> options) throws UsageException, IOException {
    String clientId = clientId(options);
    ServiceClients store = ServiceClients.open(clientsFile(options));
    ServiceClients.Issued issued = store.rotateSecret(clientId, clock.instant().getEpochSecond());
    if (issued == null) {
      return refused("no service client '" + clientId + "' in " + store.path());
    }
    printSecret(issued);
    err.println("mcpauth: gave service client '" + clientId + "' a new secret in " + store.path()
        + "; the old secret and the tokens it bought no longer work, and the new one is shown only now");
    return 0;
  }

  private int remove(Map<String, String> options) throws UsageException, IOException {
    String clientId = clientId(options);
    ServiceClients store = ServiceClients.open(clientsFile(options));
    if (!store.remove(clientId)) {
      return refused("no service client '" + clientId + "' in " + store.path());
    }
    out.println("mcpauth: removed service client '" + clientId + "' from " + store.path() + "; its tokens no longer work");
    return 0;
  }

  private int list(Map<String, String> options) throws IOException {
    ServiceClients store = ServiceClients.open(clientsFile(options));
    List<ServiceClient> clients = store.clients();
    clients.forEach(client -> out.println(client.clientId() + "\t" + client.scope()));
    if (clients.isEmpty()) {
      err.println("mcpauth: no service clients in " + store.path()
          + (Files.exists(store.path()) ? "" : " (the file does not exist yet)"));
    }
    return 0;
  }

  private void printSecret(ServiceClients.Issued issued) {
    out.println("client_id=" + issued.client().clientId());
    out.println("client_secret=" + issued.secret());
  }

  /** A scope the server does not offer is never granted; said here, since the server is not asked. */
  private void warnAboutScopesNotOffered(List<String> scopes) {
    String value = settings.get(ConfigKey.AS_SCOPES);
    List<String> offered = List.of((value == null ? ConfigKey.AS_SCOPES.defaultValue() : value).transform(Ascii::trim).split("[\\s,]+"));
    List<String> missing = scopes.stream().filter(scope -> !offered.contains(scope)).toList();
    if (!missing.isEmpty()) {
      err.println("mcpauth: note: " + String.join(", ", missing) + " not in mcpauth.as.scopes as this command sees it ("
          + String.join(" ", offered) + "); the server grants only scopes it offers");
    }
  }

  private int refused(String message) {
    return verbs.refused(message);
  }

  private static String clientId(Map<String, String> options) throws UsageException {
    String clientId = options.get(CLIENT_ID);
    if (clientId == null) {
      throw new UsageException("--client-id ID is required");
    }
    try {
      ServiceClients.checkClientId(clientId);
    } catch (IllegalArgumentException e) {
      throw new UsageException("invalid client id: " + e.getMessage());
    }
    return clientId;
  }

  private static List<String> scopes(Map<String, String> options) throws UsageException {
    String scope = options.get(SCOPE);
    if (scope == null || Ascii.isBlank(scope)) {
      throw new UsageException("--scope \"A B\" is required: the scopes the client may be granted");
    }
    List<String> scopes = List.of(Ascii.trim(scope).split(" +"));
    try {
      ServiceClients.checkScopes(scopes);
    } catch (IllegalArgumentException e) {
      throw new UsageException("invalid --scope: " + e.getMessage());
    }
    return scopes;
  }

  private Path clientsFile(Map<String, String> options) {
    String file = options.get(CLIENTS_FILE);
    return file != null ? UsersFileLocation.toPath(file) : ServiceClientsLocation.of(settings);
  }

}
