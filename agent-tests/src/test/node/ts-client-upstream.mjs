// The MCP TypeScript SDK as an OAuth client of an agent-protected MCP server whose embedded
// authorization server signs users in at an upstream OpenID Provider (oidc-upstream.mjs):
//
//   node ts-client-upstream.mjs <mcpUrl> <username> <passwordFile> <disableUrl>
//
// The "browser" (oauth-provider.mjs, lib.mjs) follows the authorization server's redirect to the
// provider, fills in the provider's login form, comes back through the callback to the
// authorization server's own consent page, and approves. The SDK then calls tools, refreshes once,
// and, after `POST <disableUrl>` disables the user at the provider, refreshes again: that refresh
// must fail (deprovisioning), and so must a connection that needs it.
//
// Standard output: one line, `RESULT {json}` (exit 0) or `FAIL <reason>` (exit 1).

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError, refreshAuthorization } from '@modelcontextprotocol/sdk/client/auth.js';
import { deadline, fail, readPassword, secret, step, succeed, textOf, whoamiOf } from './lib.mjs';
import { InMemoryOAuthProvider } from './oauth-provider.mjs';

const [mcpUrlArg, username, passwordArg, disableUrl] = process.argv.slice(2);
if (!mcpUrlArg || !username || !passwordArg || !disableUrl) {
  fail('usage: node ts-client-upstream.mjs <mcpUrl> <username> <passwordFile> <disableUrl>');
}
const password = readPassword('@' + passwordArg);
const mcpUrl = new URL(mcpUrlArg);
const REDIRECT_URI = `http://127.0.0.1:${40000 + Math.floor(Math.random() * 20000)}/oauth/callback`;
const timer = deadline(Number(process.env.MCPAUTH_E2E_TIMEOUT_MS || 90000), 'the upstream sign-in flow');

function claimsOf(token) {
  const parts = token.split('.');
  return JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
}

async function refreshWith(provider, refreshToken) {
  try {
    const tokens = await refreshAuthorization(provider._discovery.authorizationServerUrl, {
      metadata: provider._discovery.authorizationServerMetadata,
      clientInformation: provider._clientInformation,
      refreshToken,
      resource: provider.authorizationRequests[0]?.resource ? new URL(provider.authorizationRequests[0].resource) : undefined,
    });
    secret(tokens.access_token);
    if (tokens.refresh_token) secret(tokens.refresh_token);
    return { outcome: 'accepted', tokens };
  } catch (e) {
    return { outcome: 'refused', error: e?.constructor?.errorCode ?? e?.errorCode ?? e?.name ?? 'error' };
  }
}

async function main() {
  const provider = new InMemoryOAuthProvider({
    redirectUri: REDIRECT_URI,
    username,
    password,
    clientMetadata: {
      client_name: 'mcpauth e2e: upstream sign-in',
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      scope: 'mcp:tools mcp:admin offline_access',
    },
  });

  step('connect #1 (no token): 401, discovery, DCR, the browser through the upstream provider');
  const transport1 = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
  try {
    await new Client({ name: 'mcpauth-e2e-upstream', version: '1.0.0' }).connect(transport1);
    throw new Error('the first connection, without any token, was not refused');
  } catch (e) {
    if (!(e instanceof UnauthorizedError)) throw e;
  }
  if (!provider.authorizationCode) throw new Error('no authorization code after the sign-in');
  await transport1.finishAuth(provider.authorizationCode);
  const first = provider._tokens;
  const claims = claimsOf(first.access_token);

  step('connect #2 (with the access token)');
  const client = new Client({ name: 'mcpauth-e2e-upstream-2', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }));
  const echo = textOf(await client.callTool({ name: 'echo', arguments: { text: 'hello upstream' } }));
  const whoami = await whoamiOf(client);
  await client.close();

  step('refresh while the user is enabled at the provider');
  const before = first.refresh_token ? await refreshWith(provider, first.refresh_token) : { outcome: 'no refresh token' };

  step('the provider disables the user');
  const disabled = await fetch(disableUrl, { method: 'POST' });

  step('refresh after the user was disabled');
  const current = before.tokens?.refresh_token;
  const after = current ? await refreshWith(provider, current) : { outcome: 'no refresh token' };
  const again = current ? await refreshWith(provider, current) : { outcome: 'no refresh token' };

  clearTimeout(timer);
  succeed({
    sub: claims.sub,
    scope: claims.scope,
    aud: claims.aud,
    iss: claims.iss,
    claimNames: Object.keys(claims).sort(),
    echo,
    whoami,
    hasRefreshToken: Boolean(first.refresh_token),
    refreshBefore: before.outcome,
    refreshedScope: before.tokens?.scope ?? null,
    disableStatus: disabled.status,
    refreshAfter: after.outcome,
    refreshAfterError: after.error ?? null,
    refreshAgain: again.outcome,
    forms: provider.formReport,
  });
}

main().catch((e) => {
  step('error', e?.stack ? e.stack.split('\n').slice(0, 4).join(' | ') : String(e));
  fail(e?.message ?? String(e));
});
