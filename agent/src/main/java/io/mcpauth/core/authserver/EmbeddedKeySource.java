package io.mcpauth.core.authserver;

import io.mcpauth.core.authserver.store.SigningKeys;
import io.mcpauth.core.token.JwksParser;
import io.mcpauth.core.token.KeySet;
import io.mcpauth.core.token.KeySource;
import java.time.Clock;

/**
 * The resource server's keys when the embedded authorization server signs the tokens: its own JWKS,
 * read in process (no HTTP), through the same {@link JwksParser} filter as any other issuer's.
 */
final class EmbeddedKeySource implements KeySource {

  private record Snapshot(int version, KeySet keys) {}

  private final SigningKeys signingKeys;
  private final Clock clock;
  private volatile Snapshot snapshot;

  EmbeddedKeySource(SigningKeys signingKeys, Clock clock) {
    this.signingKeys = signingKeys;
    this.clock = clock;
  }

  @Override
  public KeySet current() {
    Snapshot current = snapshot;
    int version = signingKeys.version();
    if (current == null || current.version() != version) {
      try {
        current = new Snapshot(version, new JwksParser().parse(signingKeys.jwks(clock.instant().getEpochSecond())));
      } catch (JwksParser.InvalidJwksException e) {
        throw new IllegalStateException("the embedded authorization server's own JWKS does not parse", e);
      }
      snapshot = current;
    }
    return current.keys();
  }

  @Override
  public KeySet refreshForUnknownKid() {
    return current();
  }
}
