package io.mcpauth.core.token;

import java.util.Map;
import java.util.Set;

/** What a verified access token says about its caller. Never holds the token itself. */
public record VerifiedToken(
    String issuer,
    String subject,
    String clientId,
    Set<String> scopes,
    long expiresAtEpochSecond,
    String jti,
    Map<String, Object> claims) {}
