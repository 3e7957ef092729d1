package io.mcpauth.core.gate;

import io.mcpauth.core.config.AgentConfig;
import io.mcpauth.core.config.TrustedIssuer;
import io.mcpauth.core.rpc.OriginCheck;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Which resource (RFC 8707, RFC 9728) a request addresses, with the replies that name it. Usually
 * the configured {@code mcpauth.resource}. A local server protected by the embedded authorization
 * server may leave it out: the resource is then the loopback origin the client used, read from the
 * Host header and accepted only when it names a loopback address, so that one flag is enough for a
 * local server. Tokens stay bound to that origin through {@code aud}.
 */
final class ResourceIdentity {

  /** What the gate needs to know about one resource. */
  record View(String resource, Challenges challenges, ProtectedResourceMetadata metadata, OriginCheck origins) {}

  private static final Pattern LOOPBACK_HOST =
      Pattern.compile("(localhost|127\\.0\\.0\\.1|\\[::1\\])(:[1-9][0-9]{0,4})?", Pattern.CASE_INSENSITIVE);
  private static final int MAX_REMEMBERED_ORIGINS = 64;

  private final AgentConfig config;
  private final View configured;
  private final Map<String, View> loopbackViews = new ConcurrentHashMap<>();

  ResourceIdentity(AgentConfig config) {
    this.config = config;
    this.configured = config.loopbackResource() ? null : view(config.resource());
  }

  /** True when the gate, not the verifier, must check {@code aud} against {@link View#resource()}. */
  boolean perRequest() {
    return configured == null;
  }

  /** The resource for a request's Host header; null when it is derived and the Host is not loopback. */
  View forHost(String host) {
    if (configured != null) {
      return configured;
    }
    if (host == null || !LOOPBACK_HOST.matcher(host).matches()) {
      return null;
    }
    String origin = host.toLowerCase(Locale.ROOT);
    View view = loopbackViews.get(origin);
    if (view == null) {
      // The trailing slash is what clients send: the TypeScript SDK uses new URL(resource).href.
      view = view(URI.create("http://" + origin + "/"));
      if (loopbackViews.size() < MAX_REMEMBERED_ORIGINS) {
        loopbackViews.put(origin, view);
      }
    }
    return view;
  }

  private View view(URI resource) {
    List<String> scopes = config.requiredScopes();
    List<String> origins = new ArrayList<>(config.allowedOrigins());
    origins.add(resource.toString());
    return new View(resource.toString(), new Challenges(resource, scopes, config.advertisedScopePrefix()),
        new ProtectedResourceMetadata(resource, issuers(), advertisedScopes()),
        new OriginCheck(origins, OriginCheck.isLoopbackHost(resource.getHost())));
  }

  /**
   * RFC 9728 {@code scopes_supported}: every scope the rules name (those every request needs first),
   * each after {@code mcpauth.scopes.advertised-prefix};
   * with the embedded authorization server and no rules, the scopes it offers for resources
   * (clients that get no {@code scope} in the challenge request what is listed here).
   */
  private List<String> advertisedScopes() {
    List<String> named = config.scopePolicy().namedScopes();
    if (!named.isEmpty() || !config.embeddedAuthServer()) {
      List<String> advertised = new ArrayList<>();
      for (String scope : named) {
        advertised.add(config.advertisedScopePrefix() + scope);
      }
      return advertised;
    }
    List<String> offered = new ArrayList<>();
    for (String scope : config.authServer().scopes()) {
      if (!scope.equals("offline_access")) {
        offered.add(scope);
      }
    }
    return offered;
  }

  /** Every trusted issuer, the primary one first. Loops, not streams: the gate is built in premain. */
  private List<String> issuers() {
    List<String> issuers = new ArrayList<>();
    for (TrustedIssuer trusted : config.trustedIssuers()) {
      issuers.add(trusted.issuer().toString());
    }
    return issuers;
  }
}
