// A real OpenID Provider (npm oidc-provider, OpenID Certified) as the upstream of the embedded
// authorization server's sign-in, on 127.0.0.1:
//
//   node oidc-upstream.mjs <port> <redirectUri> <clientSecretFile> <passwordFile>
//
// One confidential client, `mcpauth` (client_secret_basic, the secret from the file), whose only
// redirect URI is <redirectUri>. Accounts: alice (group mcp-admins) and bob (no group), both with
// the password from <passwordFile>. `POST /test/disable/<account>` disables an account: the
// provider then knows it no more (findAccount finds nothing), so its refresh tokens fail with
// invalid_grant, as at a real IdP that deprovisions a user. The login page is this script's own
// form (username, password); consent at the provider is given once for the client (a first-party
// application), as an IdP's admin would: the MCP client's consent is the authorization server's.
//
// Standard output: `READY <issuer>` once listening. Standard error: one line per request (method,
// path, status), never a secret.

import { createServer } from 'node:http';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const [portArg, redirectUri, secretFile, passwordFile] = process.argv.slice(2);
if (!portArg || !redirectUri || !secretFile || !passwordFile) {
  process.stderr.write('usage: node oidc-upstream.mjs <port> <redirectUri> <clientSecretFile> <passwordFile>\n');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${portArg}`;
const clientSecret = readFileSync(secretFile, 'utf8').trim();
const password = readFileSync(passwordFile, 'utf8').split(/\r?\n/)[0];

const accounts = {
  alice: { email: 'alice@example.com', groups: ['mcp-admins'] },
  bob: { email: 'bob@example.com', groups: [] },
};
const disabled = new Set();

const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'mcpauth',
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [{ ...signingKey, kid: 'upstream-1', alg: 'RS256', use: 'sig' }] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    groups: ['groups'],
  },
  scopes: ['openid', 'offline_access', 'email', 'profile', 'groups'],
  // the claims of the scopes asked for go into the ID token (the authorization server reads only that)
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  cookies: { keys: [randomUUID()] },
  ttl: { AccessToken: 600, IdToken: 600, RefreshToken: 86400, Session: 86400, Interaction: 600, Grant: 86400 },
  async findAccount(ctx, id) {
    if (!accounts[id] || disabled.has(id)) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: accounts[id].email, email_verified: true, name: id, groups: accounts[id].groups };
      },
    };
  },
  // consent at the provider is standing for this first-party client
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid offline_access email profile groups');
    await grant.save();
    return grant;
  },
  // offline_access is honoured without prompt=consent: the standing grant above covers it
  async issueRefreshToken(ctx, client) {
    return client.grantTypeAllowed('refresh_token');
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
});

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid, error) {
  return `<!DOCTYPE html><html><head><title>Upstream sign-in</title></head><body><h1>Upstream IdP</h1>`
    + (error ? `<p class="error">${escape(error)}</p>` : '')
    + `<form method="post" action="/interaction/${escape(uid)}/login">`
    + `<input type="text" name="username" autocomplete="username"><input type="password" name="password">`
    + `<button type="submit">Sign in</button></form></body></html>`;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

const callback = provider.callback();

const server = createServer(async (req, res) => {
  res.on('finish', () => process.stderr.write(`${req.method} ${req.url.split('?')[0]} -> ${res.statusCode}\n`));
  try {
    const url = new URL(req.url, issuer);
    const disable = url.pathname.match(/^\/test\/disable\/([a-z]+)$/);
    if (disable && req.method === 'POST') {
      disabled.add(disable[1]);
      res.writeHead(204).end();
      return;
    }
    const login = url.pathname.match(/^\/interaction\/([^/]+)\/login$/);
    if (login && req.method === 'POST') {
      const form = await readForm(req);
      const account = form.get('username');
      if (!accounts[account] || disabled.has(account) || form.get('password') !== password) {
        res.writeHead(200, { 'Content-Type': 'text/html' }).end(loginPage(login[1], 'Wrong username or password.'));
        return;
      }
      await provider.interactionFinished(req, res, { login: { accountId: account } }, { mergeWithLastSubmission: false });
      return;
    }
    const interaction = url.pathname.match(/^\/interaction\/([^/]+)$/);
    if (interaction && req.method === 'GET') {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name === 'login') {
        res.writeHead(200, { 'Content-Type': 'text/html' }).end(loginPage(details.uid));
        return;
      }
      // consent: grant what the client asked for (first-party client)
      const grant = details.grantId ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
      if (details.prompt.details.missingOIDCScope) grant.addOIDCScope(details.prompt.details.missingOIDCScope.join(' '));
      if (details.prompt.details.missingOIDCClaims) grant.addOIDCClaims(details.prompt.details.missingOIDCClaims);
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
      return;
    }
    callback(req, res);
  } catch (e) {
    process.stderr.write(`error: ${e?.message ?? e}\n`);
    if (!res.headersSent) res.writeHead(500).end();
  }
});

server.listen(Number(portArg), '127.0.0.1', () => {
  process.stdout.write(`READY ${issuer}\n`);
});
