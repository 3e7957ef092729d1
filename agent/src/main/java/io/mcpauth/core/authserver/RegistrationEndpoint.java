package io.mcpauth.core.authserver;

import io.mcpauth.core.logging.LogText;
import io.mcpauth.core.authserver.clients.ClientMetadata;
import io.mcpauth.core.authserver.clients.ClientMetadataException;
import io.mcpauth.core.authserver.clients.RegistrationRequest;
import io.mcpauth.core.authserver.store.ClientStore;
import io.mcpauth.core.json.StrictJson;
import io.mcpauth.core.logging.AgentLog;
import io.mcpauth.core.text.Ascii;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /register}: open Dynamic Client Registration (RFC 7591), hardened per AS-D4: a body cap,
 * a rate limit per address, a cap on stored clients, and unused clients expire. At the cap, the
 * oldest client that never completed an authorization makes room: a flood of registrations costs
 * only other never-used registrations, never a client a user has approved, and never locks out the
 * next legitimate client. Registration is refused only when every stored client has been approved.
 */
final class RegistrationEndpoint {

  private static final int MAX_BODY_BYTES = 65_536;

  private final ClientStore store;
  private final List<String> scopesOnOffer;
  private final RateLimiter perAddress;
  private final int maxClients;
  private final Clock clock;

  RegistrationEndpoint(ClientStore store, List<String> scopesOnOffer, RateLimiter perAddress, int maxClients, Clock clock) {
    this.store = store;
    this.scopesOnOffer = scopesOnOffer;
    this.perAddress = perAddress;
    this.maxClients = maxClients;
    this.clock = clock;
  }

  void handle(Exchange exchange) throws IOException {
    try {
      if (!perAddress.record(exchange.clientAddress())) {
        exchange.addHeader("Retry-After", Long.toString(perAddress.retryAfterSeconds(exchange.clientAddress())));
        throw new OAuthError(429, "invalid_request", "too many registrations from this address; retry later");
      }
      String type = exchange.header("Content-Type");
      if (type == null || !Ascii.equalsIgnoreCase(Ascii.trim(type.split(";", -1)[0]), "application/json")) {
        throw new OAuthError(400, "invalid_client_metadata", "the body must be application/json");
      }
      Map<String, Object> body;
      try {
        body = StrictJson.parseObject(exchange.body(MAX_BODY_BYTES), "the registration request");
      } catch (StrictJson.MalformedJsonException e) {
        throw new OAuthError(400, "invalid_client_metadata", e.getMessage());
      }
      ClientMetadata metadata;
      try {
        metadata = RegistrationRequest.validate(body, java.util.Set.copyOf(scopesOnOffer));
      } catch (ClientMetadataException e) {
        throw new OAuthError(400, e.error(), e.getMessage());
      }
      long now = clock.instant().getEpochSecond();
      String clientId = Secrets.identifier();
      String secret = "none".equals(metadata.tokenEndpointAuthMethod()) ? null : Secrets.random();
      List<String> evicted = store.addWithin(maxClients, new ClientStore.StoredClient(clientId,
          secret == null ? null : Secrets.sha256(secret), now, 0, metadata.toJson()));
      if (evicted == null) {
        throw new OAuthError(429, "invalid_request", "this server holds the most clients it may "
            + "(mcpauth.as.dcr.max-clients), and every one of them has been authorized by a user");
      }
      if (!evicted.isEmpty()) {
        AgentLog.info("authorization server: at mcpauth.as.dcr.max-clients, deleted the oldest never-authorized client {}",
            String.join(", ", evicted));
      }
      Map<String, Object> response = new LinkedHashMap<>();
      response.put("client_id", clientId);
      response.put("client_id_issued_at", now);
      if (secret != null) {
        response.put("client_secret", secret);
        response.put("client_secret_expires_at", 0);
      }
      response.putAll(metadata.toJson());
      AgentLog.info("authorization server: registered client {} ('{}', {})", clientId,
          LogText.printable(metadata.clientName()), metadata.tokenEndpointAuthMethod());
      exchange.auditClient(clientId);
      exchange.json(201, response, "Cache-Control", "no-store", "Pragma", "no-cache");
    } catch (OAuthError e) {
      exchange.error(e);
    }
  }
}
