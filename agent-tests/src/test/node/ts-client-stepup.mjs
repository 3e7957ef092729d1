// Step-up authorization (MCP Scope Challenge Handling, SEP-835) with the MCP TypeScript SDK client:
//
//   node ts-client-stepup.mjs <mcpUrl> <username> <passwordFile> <clientId> <redirectUri>
//
// The client is registered beforehand (for the scopes it may ever ask for, and without refresh
// tokens) and given to the SDK as its client information. It authorizes with the scope of the 401,
// calls a tool it may call, then one that needs more: the server answers 403 insufficient_scope
// naming every scope the call needs, the SDK starts a new authorization for those scopes on its own,
// the user approves, and the same call succeeds with the wider token.
//
// Standard output: one line, `RESULT {json}` (exit 0) or `FAIL <reason>` (exit 1).
// Standard error: the step log (never a secret).

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { deadline, fail, readPassword, safeUrl, step, succeed, textOf } from './lib.mjs';
import { InMemoryOAuthProvider } from './oauth-provider.mjs';

const [mcpUrlArg, username, passwordFile, clientId, redirectUri] = process.argv.slice(2);
if (!redirectUri) {
  fail('usage: node ts-client-stepup.mjs <mcpUrl> <username> <passwordFile> <clientId> <redirectUri>');
}
const password = readPassword('@' + passwordFile);
const mcpUrl = new URL(mcpUrlArg);
const timer = deadline(Number(process.env.MCPAUTH_E2E_TIMEOUT_MS || 90000), 'the step-up flow');

const challenges = [];
async function loggingFetch(input, init) {
  const url = typeof input === 'string' || input instanceof URL ? String(input) : input.url;
  const response = await fetch(input, init);
  const challenge = response.headers.get('www-authenticate');
  if (challenge) challenges.push({ status: response.status, challenge });
  step(`sdk ${init?.method ?? 'GET'} ${safeUrl(url)}`, `-> ${response.status}`);
  return response;
}

function scopeOf(accessToken) {
  return JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString('utf8')).scope;
}

/** Runs an SDK call; when the SDK went to authorize (UnauthorizedError), completes that with the code. */
async function authorizingOnce(transport, provider, call) {
  try {
    return { result: await call(), reauthorized: false };
  } catch (e) {
    if (!(e instanceof UnauthorizedError)) throw e;
    if (!provider.authorizationCode) throw new Error('the SDK asked for authorization but no code came back');
    step('finishAuth (code exchange)');
    await transport.finishAuth(provider.authorizationCode);
    provider.authorizationCode = undefined;
    return { result: await call(), reauthorized: true };
  }
}

async function main() {
  const provider = new InMemoryOAuthProvider({
    redirectUri,
    username,
    password,
    // what was registered; the SDK reads it, and registers nothing since it has the client information
    clientMetadata: {
      client_name: 'step-up e2e',
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      scope: 'mcp:tools admin',
    },
    clientInformation: { client_id: clientId, redirect_uris: [redirectUri], token_endpoint_auth_method: 'none' },
  });
  step('connect #1 (no token: 401, then the first authorization)');
  const first = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider, fetch: loggingFetch });
  try {
    await new Client({ name: 'mcpauth-e2e-stepup-first', version: '1.0.0' }).connect(first);
    throw new Error('the first connection, without any token, was not refused');
  } catch (e) {
    if (!(e instanceof UnauthorizedError)) throw e;
  }
  step('finishAuth (code exchange)');
  await first.finishAuth(provider.authorizationCode);
  provider.authorizationCode = undefined;
  await first.close().catch(() => {});
  const firstScope = scopeOf(provider.tokens().access_token);

  step('connect #2 (with the first token)');
  const transport = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider, fetch: loggingFetch });
  const client = new Client({ name: 'mcpauth-e2e-stepup', version: '1.0.0' });
  await client.connect(transport);

  step('tools/call echo (within the first scope)');
  const echo = textOf(await client.callTool({ name: 'echo', arguments: { text: 'hello' } }));

  step('tools/call whoami (needs a wider scope: 403, step-up)');
  const { result: whoamiResult, reauthorized } = await authorizingOnce(transport, provider,
    () => client.callTool({ name: 'whoami', arguments: {} }));
  const secondScope = scopeOf(provider.tokens().access_token);
  await client.close();
  clearTimeout(timer);

  succeed({
    firstScope,
    echo,
    stepUpChallenge: challenges.find((c) => c.status === 403) ?? null,
    authorizationScopes: provider.authorizationRequests.map((r) => r.scope),
    reauthorized,
    secondScope,
    whoami: JSON.parse(textOf(whoamiResult)),
    refreshTokenHeld: Boolean(provider.tokens().refresh_token),
    registrations: provider.registrations,
  });
}

main().catch((e) => fail(e?.message ?? String(e)));
