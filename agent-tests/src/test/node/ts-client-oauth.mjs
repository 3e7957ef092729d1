// The MCP TypeScript SDK as an OAuth client of an agent-protected MCP server, end to end:
//
//   node ts-client-oauth.mjs <mcpUrl> <username> [<passwordFile>]
//
// The SDK's StreamableHTTPClientTransport with an OAuthClientProvider does everything it does for
// a real user: the 401, RFC 9728 + RFC 8414 discovery, Dynamic Client Registration, PKCE, the
// authorization request, the code exchange, the refresh. The only stand-in is the user agent:
// redirectToAuthorization() drives the authorization server's HTML login and consent forms with
// fetch, as a browser would (cookies, hidden fields, the approve button), and takes the code from
// the redirect. The password is read from the file (first line), else $MCPAUTH_E2E_PASSWORD, else
// standard input. MCPAUTH_E2E_DECISION=deny clicks "deny" instead of "approve" (the run then fails
// with the authorization error the client received). MCPAUTH_E2E_TRANSPORT=sse uses the SDK's
// SSEClientTransport (the legacy HTTP+SSE transport; <mcpUrl> is then the SSE endpoint) instead.
//
// Standard output: one line, `RESULT {json}` (exit 0) or `FAIL <reason>` (exit 1).
// Standard error: the step log (step names, methods, paths, statuses; never a secret).

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { UnauthorizedError, refreshAuthorization } from '@modelcontextprotocol/sdk/client/auth.js';
import { deadline, fail, readPassword, safeUrl, secret, step, succeed, textOf, whoamiOf } from './lib.mjs';
import { InMemoryOAuthProvider } from './oauth-provider.mjs';

const [mcpUrlArg, username, passwordArg] = process.argv.slice(2);
if (!mcpUrlArg || !username) {
  fail('usage: node ts-client-oauth.mjs <mcpUrl> <username> [<passwordFile>]');
}
const password = readPassword(passwordArg === undefined ? undefined : passwordArg.startsWith('@') ? passwordArg : '@' + passwordArg);
const mcpUrl = new URL(mcpUrlArg);
// A loopback redirect URI (RFC 8252 section 7.3). Nothing needs to listen there: the form driver
// reads the code off the authorization server's 303 Location, before any request to it.
const REDIRECT_URI = `http://127.0.0.1:${40000 + Math.floor(Math.random() * 20000)}/oauth/callback`;
const timer = deadline(Number(process.env.MCPAUTH_E2E_TIMEOUT_MS || 90000), 'the TypeScript SDK OAuth flow');
const started = Date.now();

/** Every HTTP exchange the SDK makes (method, path, status), and the challenges it was given. */
const exchanges = [];
const challenges = [];
async function loggingFetch(input, init) {
  const url = typeof input === 'string' || input instanceof URL ? String(input) : input.url;
  const method = init?.method ?? (typeof input === 'object' && 'method' in input ? input.method : 'GET');
  const response = await fetch(input, init);
  exchanges.push({ method, url: safeUrl(url), status: response.status });
  const challenge = response.headers.get('www-authenticate');
  if (challenge) challenges.push({ status: response.status, url: safeUrl(url), challenge });
  step(`sdk ${method} ${safeUrl(url)}`, `-> ${response.status}`);
  return response;
}


function decodeJwt(token) {
  const parts = token.split('.');
  if (parts.length !== 3) return { jwt: false };
  const json = (part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  const header = json(parts[0]);
  const claims = json(parts[1]);
  return {
    jwt: true,
    alg: header.alg,
    typ: header.typ,
    hasKid: Boolean(header.kid),
    iss: claims.iss,
    aud: claims.aud,
    sub: claims.sub,
    scope: claims.scope,
    client_id: claims.client_id,
    lifetimeSeconds: typeof claims.exp === 'number' && typeof claims.iat === 'number' ? claims.exp - claims.iat : null,
    hasJti: Boolean(claims.jti),
    claimNames: Object.keys(claims).sort(),
  };
}

const Transport = process.env.MCPAUTH_E2E_TRANSPORT === 'sse' ? SSEClientTransport : StreamableHTTPClientTransport;

async function connectedClient(provider, label) {
  const transport = new Transport(mcpUrl, { authProvider: provider, fetch: loggingFetch });
  const client = new Client({ name: `mcpauth-e2e-${label}`, version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}

async function main() {
  const provider = new InMemoryOAuthProvider({
    redirectUri: REDIRECT_URI,
    username,
    password,
    clientMetadata: {
      client_name: 'mcpauth e2e: MCP TypeScript SDK',
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      scope: 'mcp:tools offline_access',
    },
  });

  // 1. connect without a token: 401, discovery, DCR, the authorization request (our "browser")
  step('connect #1 (no token)');
  const transport1 = new Transport(mcpUrl, { authProvider: provider, fetch: loggingFetch });
  const client1 = new Client({ name: 'mcpauth-e2e-first', version: '1.0.0' });
  let unauthorized = false;
  try {
    await client1.connect(transport1);
  } catch (e) {
    if (!(e instanceof UnauthorizedError)) throw e;
    unauthorized = true;
  }
  if (!unauthorized) throw new Error('the first connection, without any token, was not refused with 401');
  if (!provider.authorizationCode) throw new Error('the SDK ended the first connection without an authorization code');
  const firstChallenge = challenges.find((c) => c.status === 401);

  // 2. the SDK exchanges the code (PKCE verifier, resource) at the token endpoint
  step('finishAuth (code exchange)');
  await transport1.finishAuth(provider.authorizationCode);
  await transport1.close().catch(() => {});
  const firstTokens = provider._tokens;
  if (!firstTokens?.access_token) throw new Error('no access token after the code exchange');
  const token = decodeJwt(firstTokens.access_token);
  token.clientIdMatches = token.client_id !== undefined && token.client_id === provider._clientInformation?.client_id;
  delete token.client_id;

  // 3. a new client with the token: echo, whoami, tools/list
  step('connect #2 (with the access token)');
  const { client } = await connectedClient(provider, 'second');
  const tools = (await client.listTools()).tools.map((t) => t.name).sort();
  const echo = textOf(await client.callTool({ name: 'echo', arguments: { text: 'hello' } }));
  step('tools/call echo', `-> ${JSON.stringify(echo)}`);
  const whoami = await whoamiOf(client);
  await client.close();

  // 4. refresh, the way the SDK does it: the server refuses a stale access token with 401, the
  //    provider still holds a refresh token, the SDK refreshes and retries on its own
  let refresh = { attempted: false };
  if (firstTokens.refresh_token) {
    step('connect #3 (stale access token, refresh token held)');
    provider._tokens = { ...firstTokens, access_token: 'stale-access-token' };
    const savedBefore = provider.savedTokens;
    const { client: client3 } = await connectedClient(provider, 'third');
    const echoAfterRefresh = textOf(await client3.callTool({ name: 'echo', arguments: { text: 'after refresh' } }));
    await client3.close();
    const refreshed = provider._tokens;
      refresh = {
      attempted: true,
      refreshedBySdk: provider.savedTokens > savedBefore,
      echo: echoAfterRefresh,
      accessTokenChanged: refreshed.access_token !== firstTokens.access_token,
      refreshTokenRotated: Boolean(refreshed.refresh_token) && refreshed.refresh_token !== firstTokens.refresh_token,
    };
    // the first refresh token, now used once, must not buy another access token (rotation)
    step('reuse of the first refresh token');
    try {
      const again = await refreshAuthorization(provider._discovery.authorizationServerUrl, {
        metadata: provider._discovery.authorizationServerMetadata,
        clientInformation: provider._clientInformation,
        refreshToken: firstTokens.refresh_token,
        resource: provider.authorizationRequests[0]?.resource ? new URL(provider.authorizationRequests[0].resource) : undefined,
        fetchFn: loggingFetch,
      });
      secret(again.access_token);
      if (again.refresh_token) secret(again.refresh_token);
      refresh.oldRefreshTokenReuse = 'accepted';
    } catch (e) {
      refresh.oldRefreshTokenReuse = 'refused';
      refresh.oldRefreshTokenReuseError = e?.constructor?.errorCode ?? e?.errorCode ?? e?.name ?? 'error';
    }
    // after a reuse, the whole grant is suspect (RFC 9700 section 4.14.2): the current refresh token too
    if (refreshed.refresh_token && refreshed.refresh_token !== firstTokens.refresh_token) {
      step('the current refresh token, after the reuse');
      try {
        const after = await refreshAuthorization(provider._discovery.authorizationServerUrl, {
          metadata: provider._discovery.authorizationServerMetadata,
          clientInformation: provider._clientInformation,
          refreshToken: refreshed.refresh_token,
          resource: provider.authorizationRequests[0]?.resource ? new URL(provider.authorizationRequests[0].resource) : undefined,
          fetchFn: loggingFetch,
        });
        secret(after.access_token);
        if (after.refresh_token) secret(after.refresh_token);
        refresh.currentRefreshTokenAfterReuse = 'accepted';
      } catch (e) {
        refresh.currentRefreshTokenAfterReuse = 'refused';
      }
    }
  }

  clearTimeout(timer);
  const discovery = provider._discovery ?? {};
  const asm = discovery.authorizationServerMetadata ?? {};
  const prm = discovery.resourceMetadata ?? {};
  succeed({
    client: 'typescript-sdk',
    transport: Transport.name,
    echo,
    whoami,
    tools,
    registered: provider.registrations === 1 && Boolean(provider._clientInformation?.client_id),
    clientAuthMethod: provider._clientInformation?.token_endpoint_auth_method ?? null,
    hasClientSecret: Boolean(provider._clientInformation?.client_secret),
    challenge: firstChallenge ? { status: firstChallenge.status, url: firstChallenge.url, header: firstChallenge.challenge } : null,
    resourceMetadataUrl: discovery.resourceMetadataUrl ?? null,
    prm: { resource: prm.resource, authorization_servers: prm.authorization_servers, scopes_supported: prm.scopes_supported },
    authorizationServerUrl: discovery.authorizationServerUrl ? String(discovery.authorizationServerUrl) : null,
    asMetadata: {
      issuer: asm.issuer,
      authorization_endpoint: asm.authorization_endpoint,
      token_endpoint: asm.token_endpoint,
      registration_endpoint: asm.registration_endpoint,
      revocation_endpoint: asm.revocation_endpoint,
      introspection_endpoint: asm.introspection_endpoint,
      jwks_uri: asm.jwks_uri,
      response_types_supported: asm.response_types_supported,
      grant_types_supported: asm.grant_types_supported,
      code_challenge_methods_supported: asm.code_challenge_methods_supported,
      token_endpoint_auth_methods_supported: asm.token_endpoint_auth_methods_supported,
      scopes_supported: asm.scopes_supported,
      authorization_response_iss_parameter_supported: asm.authorization_response_iss_parameter_supported,
    },
    authorizationRequest: provider.authorizationRequests[0],
    authorizationResponse: provider.authorizationResponse,
    forms: provider.formReport,
    tokenResponse: {
      tokenType: firstTokens.token_type,
      expiresIn: firstTokens.expires_in,
      scope: firstTokens.scope ?? null,
      hasRefreshToken: Boolean(firstTokens.refresh_token),
    },
    accessToken: token,
    refresh,
    httpExchanges: exchanges.length,
    durationMs: Date.now() - started,
  });
}

main().catch((e) => {
  step('error', e?.stack ? e.stack.split('\n').slice(0, 4).join(' | ') : String(e));
  fail(e?.message ?? String(e));
});
