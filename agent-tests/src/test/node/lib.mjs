// Shared pieces of the end-to-end clients: the step log, the RESULT/FAIL protocol, a cookie jar,
// a generic HTML form reader, and a browser-like form driver. No secret (password, code, token,
// cookie value) is ever printed: the step log names steps, methods, paths and statuses only.

import { readFileSync, writeFileSync } from 'node:fs';

const started = Date.now();

/** The text of a tool result: its text parts, joined. */
export function textOf(result) {
  return (result?.content ?? []).filter((c) => c.type === 'text').map((c) => c.text).join('');
}

/** The fixtures' whoami tool: the caller's claims as an object, or the plain string it answers ("anonymous"). */
export async function whoamiOf(client) {
  const text = textOf(await client.callTool({ name: 'whoami', arguments: {} }));
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** One line of the step log, on standard error: `STEP <ms> <name> <detail>`. */
export function step(name, detail = '') {
  process.stderr.write(scrub(`STEP +${String(Date.now() - started).padStart(5)}ms ${name}${detail ? ' ' + detail : ''}`) + '\n');
}

/** A URL without its query and fragment (they may carry codes, states, challenges). */
export function safeUrl(url) {
  try {
    const u = new URL(url);
    const keys = [...new Set([...u.searchParams.keys()])];
    return `${u.origin}${u.pathname}${keys.length ? '?' + keys.map((k) => k + '=…').join('&') : ''}`;
  } catch {
    return '<not a URL>';
  }
}

/** Prints the single RESULT line on standard output and exits 0. */
export function succeed(result) {
  dumpSecrets();
  process.stdout.write(scrub('RESULT ' + JSON.stringify(result)) + '\n');
  process.exit(0);
}

/** Prints `FAIL <reason>` on standard output and exits 1; the reason is scrubbed of secrets. */
export function fail(reason) {
  dumpSecrets();
  process.stdout.write('FAIL ' + scrub(String(reason)).replace(/\s+/g, ' ').slice(0, 2000) + '\n');
  process.exit(1);
}

const secrets = new Set();

/** Registers a value that must never be printed (a token, code, password). */
export function secret(value) {
  if (typeof value === 'string' && value.length >= 6) {
    secrets.add(value);
    // a JWT's payload and signature are each secret-bearing on their own (its header is not)
    const parts = value.split('.');
    if (parts.length === 3) {
      for (const part of parts.slice(1)) {
        if (part.length >= 16) secrets.add(part);
      }
    }
  }
  return value;
}

export function scrub(text) {
  let out = text;
  for (const s of secrets) {
    out = out.split(s).join('<redacted>');
  }
  // anything that looks like a JWT, even one we were not told about
  return out.replace(/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, '<redacted-jwt>');
}

/** Ends the process with FAIL after `ms` (the caller's own deadline). */
export function deadline(ms, what) {
  const timer = setTimeout(() => fail(`timeout: ${what} did not finish in ${ms} ms`), ms);
  timer.unref();
  return timer;
}

/** The promise, or a rejection `<what>: nothing after <ms> ms` if it has not settled by then. */
export function withTimeout(promise, ms, what) {
  let t;
  return Promise.race([
    promise.finally(() => clearTimeout(t)),
    new Promise((_, reject) => {
      t = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
    }),
  ]);
}

/**
 * Every secret this run handled (tokens and their parts, codes, verifiers, cookie values, the
 * password), written at exit for the Java test, and only there, so that it can check that none of
 * them reached a log. Only when MCPAUTH_E2E_SECRETS_FILE is set.
 */
function dumpSecrets() {
  const file = process.env.MCPAUTH_E2E_SECRETS_FILE;
  if (file) {
    try {
      writeFileSync(file, [...secrets].join('\n') + '\n', { mode: 0o600 });
    } catch {
      // the caller sees no secrets file
    }
  }
}

/** `@path` reads the password from a file (first line); anything else is the password itself. */
export function readPassword(arg) {
  if (arg === undefined || arg === '' || arg === '-') {
    const fromEnv = process.env.MCPAUTH_E2E_PASSWORD;
    if (fromEnv) return secret(fromEnv);
    return secret(readFileSync(0, 'utf8').split(/\r?\n/)[0]);
  }
  if (arg.startsWith('@')) {
    return secret(readFileSync(arg.slice(1), 'utf8').split(/\r?\n/)[0]);
  }
  return secret(arg);
}

/**
 * Per-host cookies (RFC 6265 ignores ports), with the attributes the server sent, so a caller
 * can report HttpOnly / SameSite / Secure of the session cookie.
 */
export class CookieJar {
  constructor() {
    this.cookies = new Map(); // host -> Map(name -> {value, attributes})
  }

  store(url, response) {
    const host = new URL(url).hostname;
    const lines = typeof response.headers.getSetCookie === 'function' ? response.headers.getSetCookie() : [];
    for (const line of lines) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      secret(value);
      const attributes = {};
      for (const attr of attrs) {
        const [k, ...v] = attr.split('=');
        attributes[k.trim().toLowerCase()] = v.length ? v.join('=').trim() : true;
      }
      if (!this.cookies.has(host)) this.cookies.set(host, new Map());
      const maxAge = attributes['max-age'];
      if (value === '' || (maxAge !== undefined && Number(maxAge) <= 0)) {
        this.cookies.get(host).delete(name);
      } else {
        this.cookies.get(host).set(name, { value, attributes });
      }
    }
  }

  header(url) {
    const jar = this.cookies.get(new URL(url).hostname);
    if (!jar || jar.size === 0) return undefined;
    return [...jar].map(([name, c]) => `${name}=${c.value}`).join('; ');
  }

  /** Names and attributes (never values) of the cookies held for a URL's host. */
  describe(url) {
    const jar = this.cookies.get(new URL(url).hostname);
    if (!jar) return [];
    return [...jar].map(([name, c]) => ({
      name,
      httpOnly: c.attributes.httponly === true,
      secure: c.attributes.secure === true,
      sameSite: typeof c.attributes.samesite === 'string' ? c.attributes.samesite : null,
      path: typeof c.attributes.path === 'string' ? c.attributes.path : null,
    }));
  }
}

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

export function decodeEntities(text) {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (all, e) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : all;
    }
    return ENTITIES[e.toLowerCase()] ?? all;
  });
}

function parseAttributes(tagBody) {
  const attrs = {};
  const re = /([^\s"'<>\/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  let m;
  while ((m = re.exec(tagBody)) !== null) {
    const name = m[1].toLowerCase();
    if (name in attrs) continue; // HTML: the first occurrence wins
    const raw = m[2] ?? m[3] ?? m[4];
    attrs[name] = raw === undefined ? '' : decodeEntities(raw);
  }
  return attrs;
}

/**
 * Every <form> of a page: its action (resolved against the page URL), method, the named
 * <input> fields (with type and value) and the named <button>s.
 */
export function parseForms(html, pageUrl) {
  const forms = [];
  const formRe = /<form\b([^>]*)>([\s\S]*?)<\/form\s*>/gi;
  let f;
  while ((f = formRe.exec(html)) !== null) {
    const attrs = parseAttributes(f[1]);
    const body = f[2];
    const inputs = [];
    const inputRe = /<input\b([^>]*)>/gi;
    let i;
    while ((i = inputRe.exec(body)) !== null) {
      const a = parseAttributes(i[1]);
      inputs.push({ name: a.name, type: (a.type || 'text').toLowerCase(), value: a.value ?? '', disabled: 'disabled' in a });
    }
    const buttons = [];
    const buttonRe = /<button\b([^>]*)>([\s\S]*?)<\/button\s*>/gi;
    let b;
    while ((b = buttonRe.exec(body)) !== null) {
      const a = parseAttributes(b[1]);
      buttons.push({ name: a.name, value: a.value ?? '', type: (a.type || 'submit').toLowerCase(), label: b[2].replace(/<[^>]*>/g, '').trim() });
    }
    forms.push({
      action: new URL(attrs.action === undefined || attrs.action === '' ? pageUrl : attrs.action, pageUrl).toString(),
      method: (attrs.method || 'get').toLowerCase(),
      inputs,
      buttons,
    });
  }
  return forms;
}

/** The hidden, text, and other non-button fields a browser would submit (without their values changed). */
export function formFields(form) {
  const fields = new URLSearchParams();
  for (const input of form.inputs) {
    if (!input.name || input.disabled) continue;
    if (['submit', 'button', 'image', 'reset', 'file'].includes(input.type)) continue;
    if ((input.type === 'checkbox' || input.type === 'radio')) continue; // unchecked unless told
    fields.append(input.name, input.value);
  }
  return fields;
}

/**
 * fetch, browser-style: never follows redirects by itself, sends and stores cookies, and the
 * Origin / Referer / Sec-Fetch-* headers Chromium sends for a top-level navigation or form post.
 */
export async function browse(jar, url, { method = 'GET', form, referer, referrerPolicy, timeoutMs = 15000 } = {}) {
  // like Chromium: under `Referrer-Policy: no-referrer` (of the page the form is on) there is no
  // Referer, and a form POST says `Origin: null`
  const noReferrer = typeof referrerPolicy === 'string'
    && referrerPolicy.split(',').map((p) => p.trim().toLowerCase()).pop() === 'no-referrer';
  const headers = {
    'User-Agent': 'mcpauth-e2e (node fetch, browser-like form driver)',
    Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
    'Sec-Fetch-Mode': 'navigate',
    'Sec-Fetch-Dest': 'document',
    'Sec-Fetch-User': '?1',
  };
  const cookie = jar.header(url);
  if (cookie) headers.Cookie = cookie;
  if (referer) {
    if (!noReferrer) headers.Referer = referer;
    headers['Sec-Fetch-Site'] = new URL(referer).origin === new URL(url).origin ? 'same-origin' : 'cross-site';
  } else {
    headers['Sec-Fetch-Site'] = 'none';
  }
  let body;
  if (method === 'POST') {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    headers.Origin = noReferrer ? 'null' : referer ? new URL(referer).origin : new URL(url).origin;
    body = form.toString();
  }
  const response = await fetch(url, { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  jar.store(url, response);
  const text = await response.text();
  step(`${method} ${safeUrl(url)}`, `-> ${response.status}${response.headers.get('location') ? ' Location ' + safeUrl(new URL(response.headers.get('location'), url)) : ''}`);
  return { status: response.status, headers: response.headers, text, url };
}

function sameEndpoint(a, b) {
  const x = new URL(a);
  const y = new URL(b);
  return x.origin === y.origin && x.pathname === y.pathname;
}

function pageSummary(page) {
  const text = page.text.replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, '').replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return `status ${page.status}, text: ${scrub(text).slice(0, 300)}`;
}

/** Follows redirects that stay away from the client's redirect URI; stops at a page or at the redirect URI. */
async function follow(jar, page, redirectUri, hops = 5) {
  let current = page;
  for (let i = 0; i < hops && current.status >= 300 && current.status < 400; i++) {
    const location = current.headers.get('location');
    if (!location) throw new Error(`${current.status} without Location from ${safeUrl(current.url)}`);
    const next = new URL(location, current.url).toString();
    if (sameEndpoint(next, redirectUri)) return { redirect: next, page: current };
    current = await browse(jar, next, { referer: current.url, referrerPolicy: current.headers.get('referrer-policy') });
  }
  return { page: current };
}

function redirectParams(redirect) {
  const params = new URL(redirect).searchParams;
  if (params.get('code')) secret(params.get('code'));
  return params;
}

/**
 * Drives the authorization server's HTML pages as a browser would: the login form (username,
 * password, and every hidden field it carries), then the consent form (its hidden fields and the
 * `decision` button). Returns the authorization response taken from the redirect to redirectUri.
 */
export async function loginAndApprove({ authorizationUrl, username, password, redirectUri, decision = 'approve' }) {
  const jar = new CookieJar();
  const report = {};

  // 1. the authorization request: the login page
  let { page, redirect } = await follow(jar, await browse(jar, authorizationUrl.toString()), redirectUri);
  if (redirect) {
    const p = redirectParams(redirect);
    throw new Error(`the authorization request was answered with a redirect to the client: error=${p.get('error')} ${p.get('error_description') ?? ''}`);
  }
  report.loginPageStatus = page.status;
  report.loginPageContentType = page.headers.get('content-type');
  const loginForm = parseForms(page.text, page.url).find((f) => f.inputs.some((i) => i.type === 'password'));
  if (page.status !== 200 || !loginForm) {
    throw new Error(`no login form on the authorization page (${pageSummary(page)})`);
  }
  report.loginFormMethod = loginForm.method;
  report.loginHiddenFields = loginForm.inputs.filter((i) => i.type === 'hidden' && i.name).map((i) => i.name);
  report.cookies = jar.describe(page.url);
  const fields = formFields(loginForm);
  const userInput = loginForm.inputs.find((i) => i.name === 'username')
    ?? loginForm.inputs.find((i) => ['text', 'email'].includes(i.type) && i.name);
  const passwordInput = loginForm.inputs.find((i) => i.type === 'password' && i.name);
  if (!userInput || !passwordInput) throw new Error('the login form lacks a named username or password field');
  fields.set(userInput.name, username);
  fields.set(passwordInput.name, password);
  const loginButton = loginForm.buttons.find((b) => b.type === 'submit' && b.name);
  if (loginButton) fields.append(loginButton.name, loginButton.value);

  // 2. post the credentials: 303 to the consent page
  const afterLogin = await browse(jar, loginForm.action, { method: loginForm.method === 'post' ? 'POST' : 'GET', form: fields, referer: page.url, referrerPolicy: page.headers.get('referrer-policy') });
  report.loginPostStatus = afterLogin.status;
  if (afterLogin.status < 300 || afterLogin.status >= 400) {
    if (parseForms(afterLogin.text, afterLogin.url).some((f) => f.inputs.some((i) => i.type === 'password'))) {
      throw new Error(`the login was refused: the login form came back (${pageSummary(afterLogin)})`);
    }
    throw new Error(`the login post was answered without a redirect (${pageSummary(afterLogin)})`);
  }
  ({ page, redirect } = await follow(jar, afterLogin, redirectUri));
  if (redirect) {
    const p = redirectParams(redirect);
    throw new Error(`redirected to the client right after the login, without consent: error=${p.get('error')} code=${p.has('code')}`);
  }
  report.consentPageStatus = page.status;
  const consentForm = parseForms(page.text, page.url).find((f) => f.buttons.some((b) => b.name === 'decision'));
  if (page.status !== 200 || !consentForm) {
    throw new Error(`no consent form with a 'decision' button after the login (${pageSummary(page)})`);
  }
  report.consentDecisions = consentForm.buttons.filter((b) => b.name === 'decision').map((b) => b.value);
  report.consentHiddenFields = consentForm.inputs.filter((i) => i.type === 'hidden' && i.name).map((i) => i.name);
  const consentFields = formFields(consentForm);
  consentFields.append('decision', decision);

  // 3. post the decision: 303 to the redirect URI
  const afterConsent = await browse(jar, consentForm.action, { method: consentForm.method === 'post' ? 'POST' : 'GET', form: consentFields, referer: page.url, referrerPolicy: page.headers.get('referrer-policy') });
  report.consentPostStatus = afterConsent.status;
  ({ page, redirect } = await follow(jar, afterConsent, redirectUri));
  if (!redirect) {
    throw new Error(`the consent decision did not redirect to the client (${pageSummary(page)})`);
  }
  const params = redirectParams(redirect);
  report.redirectParams = [...new Set(params.keys())];
  return { params, report, jar };
}
