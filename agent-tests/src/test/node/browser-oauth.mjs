// A person's login through a real browser, end to end:
//
//   node browser-oauth.mjs <mcpUrl> <username> <password|@passwordFile> <screenshotDir>
//
// The client part uses the MCP TypeScript SDK's OAuth helpers (RFC 9728 + RFC 8414 discovery,
// Dynamic Client Registration, PKCE, the code exchange) and a redirect URI served by a small HTTP
// server on 127.0.0.1. The user agent is headless Debian Chromium driven by playwright-core: it
// opens the authorization URL, the test types the username and password into the login page,
// submits, and clicks "approve" on the consent page. Screenshots: login.png, consent.png,
// callback.png in <screenshotDir>. The access token then calls `echo` and `whoami` through the
// SDK's Streamable HTTP client.
//
// Standard output: one line, `RESULT {json}` (exit 0) or `FAIL <reason>` (exit 1).
// Standard error: the step log (never a secret).

import { createServer } from 'node:http';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  discoverAuthorizationServerMetadata,
  discoverOAuthProtectedResourceMetadata,
  exchangeAuthorization,
  extractWWWAuthenticateParams,
  registerClient,
  startAuthorization,
} from '@modelcontextprotocol/sdk/client/auth.js';
import { bodyText, launchChromium } from './chromium.mjs';
import { deadline, fail, readPassword, safeUrl, secret, step, succeed, textOf, whoamiOf, withTimeout } from './lib.mjs';

const [mcpUrlArg, username, passwordArg, screenshotDir] = process.argv.slice(2);
if (!mcpUrlArg || !username || !passwordArg || !screenshotDir) {
  fail('usage: node browser-oauth.mjs <mcpUrl> <username> <password|@passwordFile> <screenshotDir>');
}
const password = readPassword(passwordArg);
const mcpUrl = new URL(mcpUrlArg);
const timer = deadline(Number(process.env.MCPAUTH_E2E_TIMEOUT_MS || 120000), 'the browser OAuth flow');
const started = Date.now();
const SCOPE = 'mcp:tools offline_access';

/** The redirect URI: a one-route HTTP server on 127.0.0.1 that hands over the first callback. */
async function startRedirectServer() {
  let deliver;
  const received = new Promise((resolve) => {
    deliver = resolve;
  });
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (url.pathname !== '/callback') {
      res.writeHead(404).end();
      return;
    }
    step('redirect server', `GET /callback with ${[...new Set(url.searchParams.keys())].join(',')}`);
    if (url.searchParams.get('code')) secret(url.searchParams.get('code'));
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end('<!doctype html><title>mcpauth e2e client</title><h1>Authorization received</h1><p>You can close this window.</p>');
    deliver(url.searchParams);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const redirectUri = `http://127.0.0.1:${server.address().port}/callback`;
  return { server, redirectUri, received };
}

function pngSize(file) {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

async function main() {
  mkdirSync(screenshotDir, { recursive: true });

  // 1. the MCP endpoint without a token: the challenge names the resource metadata
  const probe = await fetch(mcpUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'probe', version: '1' } } }),
  });
  const challengeHeader = probe.headers.get('www-authenticate');
  step(`POST ${safeUrl(mcpUrl)}`, `-> ${probe.status}`);
  if (probe.status !== 401) throw new Error(`the MCP endpoint answered ${probe.status} to a request without a token, not 401`);
  const { resourceMetadataUrl } = extractWWWAuthenticateParams(probe);
  if (!resourceMetadataUrl) throw new Error(`no resource_metadata in the challenge: ${challengeHeader}`);

  // 2. discovery: RFC 9728, then RFC 8414
  const prm = await discoverOAuthProtectedResourceMetadata(mcpUrl, { resourceMetadataUrl });
  step('protected resource metadata', `resource ${prm.resource}, authorization_servers ${JSON.stringify(prm.authorization_servers)}`);
  const authorizationServer = prm.authorization_servers?.[0];
  if (!authorizationServer) throw new Error('the protected resource metadata names no authorization server');
  const metadata = await discoverAuthorizationServerMetadata(authorizationServer);
  if (!metadata) throw new Error(`no authorization server metadata for ${authorizationServer}`);
  step('authorization server metadata', `issuer ${metadata.issuer}`);

  // 3. the redirect URI, then Dynamic Client Registration (a public client)
  const redirect = await startRedirectServer();
  let browser;
  try {
    const clientInformation = await registerClient(authorizationServer, {
      metadata,
      clientMetadata: {
        client_name: 'mcpauth e2e: Chromium',
        redirect_uris: [redirect.redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
        scope: SCOPE,
      },
    });
    step('registered', `client_id issued: ${Boolean(clientInformation.client_id)}`);

    // 4. PKCE + the authorization URL
    const state = randomBytes(16).toString('base64url');
    const resource = new URL(prm.resource);
    const { authorizationUrl, codeVerifier } = await startAuthorization(authorizationServer, {
      metadata, clientInformation, redirectUrl: redirect.redirectUri, scope: SCOPE, state, resource,
    });
    secret(codeVerifier);

    // 5. the browser: a fresh profile
    browser = await launchChromium();
    const { context, page, version: browserVersion } = browser;
    // what a person's browser would complain about: script errors, CSP violations, failed loads
    // (the favicon, which no page here declares, aside)
    const consoleErrors = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) consoleErrors.push(message.text().slice(0, 200));
    });
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (response.status() >= 400 && url.pathname !== '/favicon.ico' && !url.pathname.startsWith('/callback')) {
        consoleErrors.push(`${response.status()} for ${safeUrl(response.url())}`);
      }
    });
    page.on('pageerror', (error) => consoleErrors.push(String(error).slice(0, 200)));
    step('chromium started', browserVersion ?? '');

    // 6. the login page
    const loginResponse = await page.goto(authorizationUrl.toString(), { waitUntil: 'load' });
    step('login page', `${loginResponse?.status()} ${safeUrl(page.url())}`);
    const loginHeaders = loginResponse ? await loginResponse.allHeaders() : {};
    const loginShot = join(screenshotDir, 'login.png');
    await page.screenshot({ path: loginShot, fullPage: true });
    const loginTitle = await page.title();
    const passwordField = page.locator('input[type="password"]');
    if ((await passwordField.count()) !== 1) {
      throw new Error(`the authorization page has ${await passwordField.count()} password fields (status ${loginResponse?.status()}, title "${loginTitle}")`);
    }
    const loginForm = page.locator('form', { has: passwordField });
    await loginForm.locator('input[name="username"]').fill(username);
    await passwordField.fill(password);
    const cookiesAtLogin = (await context.cookies(metadata.issuer)).map((c) => {
      secret(c.value);
      return { name: c.name, httpOnly: c.httpOnly, sameSite: c.sameSite, secure: c.secure, path: c.path };
    });
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      loginForm.locator('button[type="submit"], button:not([type]), input[type="submit"]').first().click(),
    ]);

    // 7. the consent page
    step('consent page', safeUrl(page.url()));
    const approve = page.locator('button[name="decision"][value="approve"]');
    if ((await approve.count()) !== 1) {
      throw new Error(`no approve button after the login (page "${await page.title()}": ${await bodyText(page)})`);
    }
    const consentShot = join(screenshotDir, 'consent.png');
    await page.screenshot({ path: consentShot, fullPage: true });
    const consentTitle = await page.title();
    const consentText = (await page.locator('body').innerText()).replace(/\s+/g, ' ').trim();
    const denyButtons = await page.locator('button[name="decision"][value="deny"]').count();
    await Promise.all([
      page.waitForURL((url) => url.toString().startsWith(redirect.redirectUri), { waitUntil: 'load' }),
      approve.click(),
    ]);

    // 8. the redirect to the client
    const params = await withTimeout(redirect.received, 20000, 'the redirect URI');
    const callbackShot = join(screenshotDir, 'callback.png');
    await page.screenshot({ path: callbackShot });
    if (params.get('error')) throw new Error(`authorization error: ${params.get('error')} ${params.get('error_description') ?? ''}`);
    const code = secret(params.get('code'));
    if (!code) throw new Error('the redirect carried no code');
    const stateMatches = params.get('state') === state;
    const issMatches = params.get('iss') === metadata.issuer;
    if (!stateMatches) throw new Error('the state in the redirect differs from the one sent');
    if (!issMatches) throw new Error(`the iss in the redirect (${params.get('iss')}) is not the metadata issuer (${metadata.issuer})`);
    await browser.close();

    // 9. the code exchange, then the MCP server with the access token
    const tokens = await exchangeAuthorization(authorizationServer, {
      metadata, clientInformation, authorizationCode: code, codeVerifier, redirectUri: redirect.redirectUri, resource,
    });
    secret(tokens.access_token);
    if (tokens.refresh_token) secret(tokens.refresh_token);
    step('tokens', `token_type ${tokens.token_type}, expires_in ${tokens.expires_in}, refresh token: ${Boolean(tokens.refresh_token)}`);
    const transport = new StreamableHTTPClientTransport(mcpUrl, {
      requestInit: { headers: { Authorization: `Bearer ${tokens.access_token}` } },
    });
    const client = new Client({ name: 'mcpauth-e2e-browser', version: '1.0.0' });
    await client.connect(transport);
    const echo = textOf(await client.callTool({ name: 'echo', arguments: { text: 'hello from chromium' } }));
    const whoami = await whoamiOf(client);
    await client.close();
    step('tools/call echo', `-> ${JSON.stringify(echo)}`);

    return {
      client: 'chromium',
      browserVersion,
      echo,
      whoami,
      registered: Boolean(clientInformation.client_id),
      issuer: metadata.issuer,
      resource: prm.resource,
      stateMatches,
      issMatches,
      login: {
        status: loginResponse?.status() ?? null,
        title: loginTitle,
        contentType: loginHeaders['content-type'] ?? null,
        csp: loginHeaders['content-security-policy'] ?? null,
        frameOptions: loginHeaders['x-frame-options'] ?? null,
        cacheControl: loginHeaders['cache-control'] ?? null,
        cookies: cookiesAtLogin,
      },
      consent: { title: consentTitle, text: consentText.slice(0, 400), denyButtons },
      consoleErrors,
      screenshots: {
        login: { file: loginShot, bytes: pngSize(loginShot) },
        consent: { file: consentShot, bytes: pngSize(consentShot) },
        callback: { file: callbackShot, bytes: pngSize(callbackShot) },
      },
      tokenResponse: { tokenType: tokens.token_type, expiresIn: tokens.expires_in, scope: tokens.scope ?? null, hasRefreshToken: Boolean(tokens.refresh_token) },
      durationMs: Date.now() - started,
    };
  } finally {
    if (browser) await browser.close().catch(() => {});
    redirect.server.close();
  }
}

main().then((result) => {
  clearTimeout(timer);
  succeed(result);
}).catch((e) => {
  step('error', e?.stack ? e.stack.split('\n').slice(0, 4).join(' | ') : String(e));
  fail(e?.message ?? String(e));
});
