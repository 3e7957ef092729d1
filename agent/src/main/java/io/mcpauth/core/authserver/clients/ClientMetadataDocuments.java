package io.mcpauth.core.authserver.clients;

import io.mcpauth.core.text.Ascii;
import static io.mcpauth.core.authserver.clients.ClientMetadataException.INVALID_CLIENT;

import io.mcpauth.core.authserver.clients.HttpResponseReader.BadResponseException;
import io.mcpauth.core.authserver.clients.HttpResponseReader.Head;
import io.mcpauth.core.authserver.clients.PinnedHttpsGet.Response;
import io.mcpauth.core.json.StrictJson;
import io.mcpauth.core.json.StrictJson.MalformedJsonException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;

/**
 * Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document; AS-C2..C9): a
 * {@code client_id} that is an https URL names a JSON document describing the client, fetched here
 * on first use and cached.
 *
 * <p>The URL comes from anyone who can reach the authorization endpoint, so the fetch is the
 * server's main SSRF exposure (AS-C8, AS-SEC-45): the host must pass the trusted-hosts policy, it
 * is resolved once, every address in the answer must be globally reachable (one special-use
 * address refuses the lot), and the connection goes to a checked address, never to a later DNS
 * answer. The fetch follows no redirect, accepts status 200 only, and is bounded by one deadline
 * and a size cap (AS-C3, AS-SEC-46).
 *
 * <p>Fetches run on threads of their own, never on the server's request threads, and are limited
 * ({@link DocumentFetches}): at most {@link #MAX_FETCHES} at once, {@link #MAX_FETCHES_PER_HOST}
 * to one host, and at most {@link #MAX_WAITING} request threads wait for them, each no longer than
 * the deadline, DNS included. Beyond a limit the request is refused at once with
 * {@link ClientMetadataException#busy}; the rest of the server keeps serving.
 *
 * <p>Every failure is {@code invalid_client} (AS-C3 allows {@code invalid_client} or
 * {@code invalid_request}; the client_id is the thing that cannot be used). Failures are not
 * cached, so a fixed document works on the next attempt; successes are kept for the document's
 * Cache-Control max-age clamped to [cacheMin, cacheMax] (AS-C7).
 *
 * <p>Thread-safe. Concurrent first requests for one URL share one fetch.
 */
public final class ClientMetadataDocuments {

  /** Host name to addresses; the system resolver unless a test stubs it. */
  @FunctionalInterface
  public interface Resolver {
    List<InetAddress> resolve(String host) throws UnknownHostException;

    Resolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));
  }

  public static final int MAX_CACHED_DOCUMENTS = 1000;

  /** Fetches in flight at once, over all hosts. */
  public static final int MAX_FETCHES = 4;

  /** Fetches in flight at once to one host: one slow host cannot take every fetch slot. */
  public static final int MAX_FETCHES_PER_HOST = 2;

  /**
   * Request threads that may wait for a fetch at once: 2 of the server's 8 (AuthServer), so that
   * documents that never arrive leave 6 for the token endpoint, the JWKS and everything else.
   */
  public static final int MAX_WAITING = 2;

  private final Duration timeout;
  private final int maxBytes;
  private final AddressPolicy addressPolicy;
  private final TrustedHosts trustedHosts;
  private final Duration cacheMin;
  private final Duration cacheMax;
  private final Resolver resolver;
  private final PinnedHttpsGet http;
  private final LongSupplier nanoTime;
  private final DocumentFetches fetches;
  private final MetadataCache cache = new MetadataCache(MAX_CACHED_DOCUMENTS);

  /** Production wiring: the system resolver, the JDK's trust store, {@link System#nanoTime()}. */
  public ClientMetadataDocuments(Duration timeout, int maxBytes, boolean allowPrivateAddresses,
      TrustedHosts trustedHosts, Duration cacheMin, Duration cacheMax) {
    this(timeout, maxBytes, allowPrivateAddresses, trustedHosts, cacheMin, cacheMax, Resolver.SYSTEM,
        (SSLSocketFactory) null, System::nanoTime);
  }

  /**
   * @param timeout deadline for one fetch: connect, TLS handshake and read together
   * @param maxBytes largest document body accepted ({@code mcpauth.as.cimd.max-bytes})
   * @param allowPrivateAddresses also fetch from loopback, private and link-local addresses: tests only
   * @param sslSocketFactory TLS for the fetches; null for the JDK default, created at the first fetch
   * @param nanoTime clock for cache expiry only; the fetch deadline always runs on {@link System#nanoTime()}
   */
  public ClientMetadataDocuments(Duration timeout, int maxBytes, boolean allowPrivateAddresses,
      TrustedHosts trustedHosts, Duration cacheMin, Duration cacheMax, Resolver resolver,
      SSLSocketFactory sslSocketFactory, LongSupplier nanoTime) {
    this(timeout, maxBytes, allowPrivateAddresses, trustedHosts, cacheMin, cacheMax, resolver,
        new PinnedHttpsGet(sslSocketFactory != null ? () -> sslSocketFactory
            : () -> (SSLSocketFactory) SSLSocketFactory.getDefault(), PinnedHttpsGet.DIRECT), nanoTime);
  }

  ClientMetadataDocuments(Duration timeout, int maxBytes, boolean allowPrivateAddresses,
      TrustedHosts trustedHosts, Duration cacheMin, Duration cacheMax, Resolver resolver,
      PinnedHttpsGet http, LongSupplier nanoTime) {
    this(timeout, maxBytes, allowPrivateAddresses, trustedHosts, cacheMin, cacheMax, resolver, http, nanoTime,
        DocumentFetches.withOwnThreads(MAX_FETCHES, MAX_FETCHES_PER_HOST, MAX_WAITING, timeout));
  }

  ClientMetadataDocuments(Duration timeout, int maxBytes, boolean allowPrivateAddresses,
      TrustedHosts trustedHosts, Duration cacheMin, Duration cacheMax, Resolver resolver,
      PinnedHttpsGet http, LongSupplier nanoTime, DocumentFetches fetches) {
    if (cacheMin.compareTo(cacheMax) > 0) {
      throw new IllegalArgumentException("cacheMin is longer than cacheMax");
    }
    this.timeout = timeout;
    this.maxBytes = maxBytes;
    this.addressPolicy = new AddressPolicy(allowPrivateAddresses);
    this.trustedHosts = trustedHosts;
    this.cacheMin = cacheMin;
    this.cacheMax = cacheMax;
    this.resolver = resolver;
    this.http = http;
    this.nanoTime = nanoTime;
    this.fetches = fetches;
  }

  /**
   * The metadata of the client whose client_id is {@code clientIdUrl}, from the cache or fetched now.
   *
   * @throws ClientMetadataException {@code invalid_client} when the document cannot be used;
   *     {@link ClientMetadataException#busy} when too many fetches are in flight to fetch it now
   */
  public ClientMetadata fetch(String clientIdUrl) throws ClientMetadataException {
    String shapeProblem = ClientIdUrl.problem(clientIdUrl);
    if (shapeProblem != null) {
      throw refuse("the client_id " + shapeProblem);
    }
    ClientMetadata cached = cache.get(clientIdUrl, nanoTime.getAsLong());
    if (cached != null) {
      return cached;
    }
    URI url = URI.create(clientIdUrl);
    if (!trustedHosts.permits(url.getHost())) {
      throw refuse("the client_id host is not trusted by this server");
    }
    return fetches.fetch(clientIdUrl, Ascii.toLowerCase(url.getHost()), deadline -> load(clientIdUrl, url, deadline));
  }

  /** One fetch, on a fetch thread: resolve, check, GET, validate, cache. */
  private ClientMetadata load(String clientIdUrl, URI url, long deadline) throws ClientMetadataException {
    Response response = get(url, checkedAddresses(url.getHost()), deadline);
    int status = response.head().status();
    if (status >= 300 && status < 400) {
      throw refuse("the client_id document answered with a redirect, which is not followed");
    }
    if (status != 200) {
      throw refuse("the client_id document answered HTTP " + status + " instead of 200");
    }
    ClientMetadata metadata = ClientIdMetadataDocument.validate(parse(response.body()), clientIdUrl);
    cache.put(clientIdUrl, metadata, nanoTime.getAsLong() + freshFor(response.head()).toNanos());
    return metadata;
  }

  /** The addresses to connect to: an IP literal as it is, else one DNS answer of which every address passes. */
  private List<InetAddress> checkedAddresses(String host) throws ClientMetadataException {
    List<InetAddress> addresses;
    InetAddress literal = IpLiterals.parse(host);
    if (literal != null) {
      addresses = List.of(literal);
    } else {
      try {
        addresses = resolver.resolve(host);
      } catch (UnknownHostException e) {
        throw new ClientMetadataException(INVALID_CLIENT, "the client_id host does not resolve", e);
      }
      if (addresses == null || addresses.isEmpty()) {
        throw refuse("the client_id host does not resolve");
      }
    }
    for (InetAddress address : addresses) {
      if (!addressPolicy.permits(address)) {
        throw refuse("the client_id host has a private or special-use address");
      }
    }
    return List.copyOf(addresses);
  }

  private Response get(URI url, List<InetAddress> addresses, long deadline) throws ClientMetadataException {
    try {
      return http.get(url, addresses, maxBytes, deadline);
    } catch (IOException e) {
      if (System.nanoTime() - deadline >= 0) {
        throw new ClientMetadataException(INVALID_CLIENT,
            "fetching the client_id document took longer than " + timeout.toMillis() + " ms", e);
      }
      if (e instanceof BadResponseException) {
        throw new ClientMetadataException(INVALID_CLIENT, "fetching the client_id document failed: " + e.getMessage(), e);
      }
      if (e instanceof SSLException) {
        throw new ClientMetadataException(INVALID_CLIENT, "TLS with the client_id host failed", e);
      }
      throw new ClientMetadataException(INVALID_CLIENT, "could not fetch the client_id document", e);
    }
  }

  static Map<String, Object> parse(byte[] body) throws ClientMetadataException {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
    } catch (CharacterCodingException e) {
      throw refuse("the client_id document is not UTF-8");
    }
    try {
      return StrictJson.parseObject(text, "the client_id document");
    } catch (MalformedJsonException e) {
      throw refuse(e.getMessage());
    }
  }

  /**
   * The Cache-Control max-age clamped to [cacheMin, cacheMax]. Without one, or with no-store or
   * no-cache, the document is kept for cacheMin: refetching on every authorization request would
   * let anyone make this server send requests at will.
   */
  private Duration freshFor(Head head) {
    Duration maxAge = Duration.ZERO;
    String cacheControl = head.field("cache-control");
    if (cacheControl != null) {
      for (String directive : cacheControl.split(",")) {
        String[] nameValue = Ascii.trim(directive).split("=", 2);
        String name = Ascii.toLowerCase(Ascii.trim(nameValue[0]));
        if (name.equals("no-store") || name.equals("no-cache")) {
          maxAge = Duration.ZERO;
          break;
        }
        if (name.equals("max-age") && nameValue.length == 2) {
          maxAge = seconds(Ascii.trim(nameValue[1]).replace("\"", ""));
        }
      }
    }
    return maxAge.compareTo(cacheMin) < 0 ? cacheMin : maxAge.compareTo(cacheMax) > 0 ? cacheMax : maxAge;
  }

  private static Duration seconds(String digits) {
    long seconds = Ascii.parseDecimal(digits, 12);
    return seconds < 0 ? Duration.ZERO : Duration.ofSeconds(seconds);
  }

  private static ClientMetadataException refuse(String description) {
    return new ClientMetadataException(INVALID_CLIENT, description);
  }
}
