package io.mcpauth.core.authserver.store;

import io.mcpauth.core.json.JsonWriter;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Grants (one per user approval or client-credentials token: the refresh-token family of RFC 9700
 * §4.14.2) and revoked access tokens, in {@code grants.json}. Every change is written before it is
 * acknowledged. The revocation sets are read on every request by the resource server, so they are
 * kept in memory; they are empty, and cost one size check, until something is revoked. A user's
 * grant records the credential the user held when approving, and is revoked once the user no longer
 * holds it ({@link #revokeStale}).
 *
 * <p>When a write fails ({@link StoreWriteException}: a full disk, a read-only directory), a new grant
 * or a rotation is undone in memory too, so the client may retry with the same code or refresh token
 * once the disk can be written. A revocation is not undone: it takes effect at once, and the next
 * write that succeeds (a later change, a retried revocation, the periodic prune) stores it.
 */
public final class GrantStore {

  /**
   * One grant. {@code refreshHash} is the SHA-256 of the current refresh token's secret, or null;
   * {@code rotatedHashes} those of the refresh tokens it replaced, so that a replay of one of them
   * can be told from a guess (only a replay revokes the grant). {@code credential} is the
   * fingerprint of the user's password hash when the user approved: the grant stands only while
   * {@code subject} holds that credential (see {@link #revokeStale}); null for a grant no user
   * approved; {@link #UNKNOWN_CREDENTIAL} for one stored before credentials were recorded.
   * {@code upstreamToken} is the upstream provider's refresh token of a user who signed in there,
   * sealed ({@link SealingKey}) for this grant; null for a local user, and once revoked.
   */
  public record Grant(String id, String clientId, String subject, String scope, String resource, long createdAt,
      byte[] refreshHash, long refreshIssuedAt, boolean revoked, List<byte[]> rotatedHashes, String credential,
      String upstreamToken) {

    Grant withRefresh(byte[] hash, long now) {
      List<byte[]> rotated = new ArrayList<>(rotatedHashes);
      rotated.add(refreshHash);
      if (rotated.size() > MAX_ROTATED_HASHES) {
        rotated.remove(0);
      }
      return new Grant(id, clientId, subject, scope, resource, createdAt, hash, now, revoked, List.copyOf(rotated),
          credential, upstreamToken);
    }

    Grant asRevoked() {
      // A revoked grant keeps no upstream token: nothing can use it any more.
      return new Grant(id, clientId, subject, scope, resource, createdAt, null, refreshIssuedAt, true, rotatedHashes,
          credential, null);
    }

    Grant boundTo(String userCredential) {
      return new Grant(id, clientId, subject, scope, resource, createdAt, refreshHash, refreshIssuedAt, revoked,
          rotatedHashes, userCredential, upstreamToken);
    }

    Grant withUpstreamToken(String sealed) {
      return new Grant(id, clientId, subject, scope, resource, createdAt, refreshHash, refreshIssuedAt, revoked,
          rotatedHashes, credential, sealed);
    }

    /** When the current refresh token stops being accepted: idle or absolute expiry, whichever comes first. */
    public long refreshExpiresAt(long idleSeconds, long lifetimeSeconds) {
      return Math.min(createdAt + lifetimeSeconds, refreshIssuedAt + idleSeconds);
    }

    boolean rotatedOut(byte[] hash) {
      for (byte[] rotated : rotatedHashes) {
        if (MessageDigest.isEqual(rotated, hash)) {
          return true;
        }
      }
      return false;
    }
  }

  /** What a refresh attempt found. */
  public enum Rotation { ROTATED, REPLAYED, UNKNOWN }

  /**
   * The credential of a user's grant from a grants.json written before credentials were recorded:
   * matches no user's credential, and {@link #revokeStale} binds it to the user's current one.
   */
  public static final String UNKNOWN_CREDENTIAL = "unknown";

  /** Rotated-out refresh tokens remembered per grant; older replays count as unknown tokens. */
  static final int MAX_ROTATED_HASHES = 64;

  private final AtomicFile file;
  private final long keepSeconds;
  private final Map<String, Grant> grants = new LinkedHashMap<>();
  private final Map<String, Long> revokedTokens = new ConcurrentHashMap<>();
  private final Map<String, Boolean> revokedGrants = new ConcurrentHashMap<>();
  /** True while memory holds a change (a revocation, a prune) that the last write did not store. */
  private boolean unsaved;

  private GrantStore(AtomicFile file, long keepSeconds) {
    this.file = file;
    this.keepSeconds = keepSeconds;
  }

  /** @param keepSeconds how long a grant is kept after it was created: the refresh lifetime plus the access-token lifetime */
  public static GrantStore open(DataDirectory data, long keepSeconds) throws IOException {
    GrantStore store = new GrantStore(data.file("grants.json"), keepSeconds);
    Map<String, Object> stored = DataDirectory.readObject(store.file);
    if (stored != null) {
      try {
        store.load(stored);
      } catch (RuntimeException e) {
        throw new IOException("store file " + store.file.path() + " is damaged (" + e + ")", e);
      }
    }
    return store;
  }

  /** @param credential the credential the approving user holds ({@link Grant}); null when no user approved */
  public synchronized Grant create(String id, String clientId, String subject, String scope, String resource,
      byte[] refreshHash, String credential, long now) throws IOException {
    return create(id, clientId, subject, scope, resource, refreshHash, credential, null, now);
  }

  /** @param upstreamToken the upstream provider's refresh token, sealed for {@code id}; null for a local user */
  public synchronized Grant create(String id, String clientId, String subject, String scope, String resource,
      byte[] refreshHash, String credential, String upstreamToken, long now) throws IOException {
    Grant grant = new Grant(id, clientId, subject, scope, resource, now, refreshHash, now, false, List.of(), credential,
        upstreamToken);
    grants.put(id, grant);
    saveOrUndo(() -> grants.remove(id));
    return grant;
  }

  public synchronized Grant find(String id) {
    return grants.get(id);
  }

  /**
   * Rotates the refresh token of a grant from {@code presentedHash} to {@code nextHash}, atomically:
   * of two concurrent refreshes with one token, at most one succeeds (AS-SEC-35).
   *
   * @return ROTATED; REPLAYED when {@code presentedHash} is a refresh token this grant already
   *     replaced (RFC 9700 §4.14.2: one of its holders is not the client); UNKNOWN otherwise
   */
  public synchronized Rotation rotate(String id, byte[] presentedHash, byte[] nextHash, long now) throws IOException {
    Grant grant = grants.get(id);
    if (grant == null || grant.revoked()) {
      return Rotation.UNKNOWN;
    }
    if (grant.refreshHash() == null || !MessageDigest.isEqual(grant.refreshHash(), presentedHash)) {
      return grant.rotatedOut(presentedHash) ? Rotation.REPLAYED : Rotation.UNKNOWN;
    }
    grants.put(id, grant.withRefresh(nextHash, now));
    // Undone on failure: left in memory, the client's retry with the same token would look like a replay.
    saveOrUndo(() -> grants.put(id, grant));
    return Rotation.ROTATED;
  }

  /**
   * Replaces a live grant's sealed upstream refresh token (the provider rotated it). Kept in memory
   * when the write fails: the provider no longer takes the old one.
   */
  public synchronized void replaceUpstreamToken(String id, String sealed) throws IOException {
    Grant grant = grants.get(id);
    if (grant != null && !grant.revoked()) {
      grants.put(id, grant.withUpstreamToken(sealed));
      save();
    }
  }

  /** True when {@code presentedHash} is the live grant's current refresh token: checked before work a refresh costs elsewhere. */
  public synchronized boolean isCurrent(String id, byte[] presentedHash) {
    Grant grant = grants.get(id);
    return grant != null && !grant.revoked() && grant.refreshHash() != null
        && MessageDigest.isEqual(grant.refreshHash(), presentedHash);
  }

  /** Revokes a grant: its refresh token and every access token issued under it. */
  public synchronized void revokeGrant(String id) throws IOException {
    Grant grant = grants.get(id);
    if (grant != null && !grant.revoked()) {
      grants.put(id, grant.asRevoked());
      revokedGrants.put(id, Boolean.TRUE);
      save();
    } else if (grant != null && unsaved) {
      save();
    }
  }

  /**
   * RFC 9700 §4.14.2: revokes, in one write, every live grant whose user no longer holds the
   * credential it was granted under (removed, or given a new password), and so every access token
   * issued under it. A grant of {@link #UNKNOWN_CREDENTIAL} is bound to its user's current
   * credential, or revoked when the user is gone.
   *
   * @param credentialOf a user's current credential, null when there is no such user
   * @return how many grants were revoked, by subject, in grant order
   */
  public synchronized Map<String, Integer> revokeStale(UnaryOperator<String> credentialOf) throws IOException {
    Map<String, Integer> revoked = new LinkedHashMap<>();
    boolean changed = false;
    for (Grant grant : List.copyOf(grants.values())) {
      if (grant.revoked() || grant.credential() == null) {
        continue;
      }
      String current = credentialOf.apply(grant.subject());
      if (current != null && grant.credential().equals(UNKNOWN_CREDENTIAL)) {
        grants.put(grant.id(), grant.boundTo(current));
        changed = true;
      } else if (current == null || !current.equals(grant.credential())) {
        grants.put(grant.id(), grant.asRevoked());
        revokedGrants.put(grant.id(), Boolean.TRUE);
        revoked.merge(grant.subject(), 1, Integer::sum);
        changed = true;
      }
    }
    if (changed || unsaved) {
      save();
    }
    return revoked;
  }

  /** Revokes one access token until it expires anyway. */
  public synchronized void revokeAccessToken(String jti, long expiresAt) throws IOException {
    if (revokedTokens.putIfAbsent(jti, expiresAt) == null || unsaved) {
      save();
    }
  }

  /** Called for every request the resource server admits. */
  public boolean isRevoked(String jti, String grantId) {
    return !revokedTokens.isEmpty() && jti != null && revokedTokens.containsKey(jti)
        || !revokedGrants.isEmpty() && grantId != null && revokedGrants.containsKey(grantId);
  }

  /** Forgets expired revocations and grants past their lifetime; persists when anything changed. */
  public synchronized void prune(long now) throws IOException {
    boolean changed = revokedTokens.values().removeIf(exp -> exp < now);
    List<String> old = new ArrayList<>();
    for (Grant grant : grants.values()) {
      if (now - grant.createdAt() > keepSeconds) {
        old.add(grant.id());
      }
    }
    for (String id : old) {
      grants.remove(id);
      revokedGrants.remove(id);
      changed = true;
    }
    if (changed || unsaved) {
      save();
    }
  }

  /** Writes what a failed write left in memory only (a revocation, a prune); nothing when all is stored. */
  public synchronized void flush() throws IOException {
    if (unsaved) {
      save();
    }
  }

  public synchronized int size() {
    return grants.size();
  }

  private void saveOrUndo(Runnable undo) throws IOException {
    boolean pending = unsaved;
    try {
      save();
    } catch (IOException e) {
      undo.run();
      unsaved = pending;
      throw e;
    }
  }

  private void save() throws IOException {
    unsaved = true;
    write();
    unsaved = false;
  }

  private void write() throws IOException {
    Map<String, Object> storedGrants = new LinkedHashMap<>();
    for (Grant grant : grants.values()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("client_id", grant.clientId());
      entry.put("sub", grant.subject());
      entry.put("scope", grant.scope());
      entry.put("resource", grant.resource());
      entry.put("created", grant.createdAt());
      entry.put("refresh_hash", grant.refreshHash() == null ? null : java.util.HexFormat.of().formatHex(grant.refreshHash()));
      entry.put("refresh_issued", grant.refreshIssuedAt());
      entry.put("revoked", grant.revoked());
      entry.put("rotated_hashes", grant.rotatedHashes().stream().map(h -> java.util.HexFormat.of().formatHex(h)).toList());
      if (!UNKNOWN_CREDENTIAL.equals(grant.credential())) {
        entry.put("user_credential", grant.credential());
      }
      if (grant.upstreamToken() != null) {
        entry.put("upstream_refresh", grant.upstreamToken());
      }
      storedGrants.put(grant.id(), entry);
    }
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("grants", storedGrants);
    document.put("revoked_access_tokens", new LinkedHashMap<>(revokedTokens));
    file.write(JsonWriter.write(DataFormat.versioned(document)));
  }

  private void load(Map<String, Object> stored) {
    Map<?, ?> storedGrants = (Map<?, ?>) stored.get("grants");
    for (Map.Entry<?, ?> item : storedGrants.entrySet()) {
      Map<?, ?> entry = (Map<?, ?>) item.getValue();
      String hash = (String) entry.get("refresh_hash");
      Grant grant = new Grant((String) item.getKey(), (String) entry.get("client_id"), (String) entry.get("sub"),
          (String) entry.get("scope"), (String) entry.get("resource"), ((Number) entry.get("created")).longValue(),
          hash == null ? null : java.util.HexFormat.of().parseHex(hash), ((Number) entry.get("refresh_issued")).longValue(),
          (Boolean) entry.get("revoked"),
          entry.get("rotated_hashes") == null ? List.of()
              : ((List<?>) entry.get("rotated_hashes")).stream().map(h -> java.util.HexFormat.of().parseHex((String) h)).toList(),
          entry.containsKey("user_credential") ? (String) entry.get("user_credential") : UNKNOWN_CREDENTIAL,
          (String) entry.get("upstream_refresh"));
      grants.put(grant.id(), grant);
      if (grant.revoked()) {
        revokedGrants.put(grant.id(), Boolean.TRUE);
      }
    }
    Map<?, ?> tokens = (Map<?, ?>) stored.get("revoked_access_tokens");
    for (Map.Entry<?, ?> item : tokens.entrySet()) {
      revokedTokens.put((String) item.getKey(), ((Number) item.getValue()).longValue());
    }
  }
}
