// The OAuth client provider of the end-to-end scripts: the MCP TypeScript SDK's OAuthClientProvider,
// kept in memory, with redirectToAuthorization() standing in for the user agent. It drives the
// authorization server's HTML login and consent forms with fetch, as a browser would (or, with
// MCPAUTH_E2E_USER_AGENT=chromium, headless Chromium does: chromium-login.mjs), and takes the code
// off the redirect after checking state and iss.

import { randomBytes } from 'node:crypto';
import { loginAndApprove, safeUrl, secret, step } from './lib.mjs';

export class InMemoryOAuthProvider {
  /**
   * @param redirectUri the loopback redirect URI the client registers and uses
   * @param username, password what the "browser" types into the login form
   * @param clientMetadata what the SDK registers (DCR); ignored when clientInformation is given
   * @param clientInformation a client registered beforehand: the SDK then does not register
   */
  constructor({ redirectUri, username, password, clientMetadata, clientInformation }) {
    this._redirectUri = redirectUri;
    this._username = username;
    this._password = password;
    this._clientMetadata = clientMetadata;
    this._clientInformation = clientInformation;
    this._tokens = undefined;
    this._codeVerifier = undefined;
    this._discovery = undefined;
    this.registrations = 0;
    this.savedTokens = 0;
    this.authorizationCode = undefined;
    this.authorizationRequests = [];
    this.formReport = undefined;
    this.states = [];
  }

  get redirectUrl() {
    return this._redirectUri;
  }

  get clientMetadata() {
    return this._clientMetadata;
  }

  state() {
    const state = randomBytes(16).toString('base64url');
    this.states.push(state);
    return state;
  }

  clientInformation() {
    return this._clientInformation;
  }

  saveClientInformation(info) {
    if (info.client_secret) secret(info.client_secret);
    if (info.registration_access_token) secret(info.registration_access_token);
    if (!this._clientInformation) this.registrations++;
    this._clientInformation = info;
    step('provider saveClientInformation', `client_id issued: ${Boolean(info.client_id)}, auth method: ${info.token_endpoint_auth_method ?? '(none stated)'}`);
  }

  tokens() {
    return this._tokens;
  }

  saveTokens(tokens) {
    secret(tokens.access_token);
    if (tokens.refresh_token) secret(tokens.refresh_token);
    this._tokens = tokens;
    this.savedTokens++;
    step('provider saveTokens', `token_type ${tokens.token_type}, expires_in ${tokens.expires_in}, refresh token: ${Boolean(tokens.refresh_token)}, scope: ${tokens.scope ?? '(not stated)'}`);
  }

  saveCodeVerifier(verifier) {
    this._codeVerifier = secret(verifier);
  }

  codeVerifier() {
    if (!this._codeVerifier) throw new Error('no code verifier saved');
    return this._codeVerifier;
  }

  saveDiscoveryState(state) {
    this._discovery = state;
  }

  discoveryState() {
    return this._discovery;
  }

  async redirectToAuthorization(authorizationUrl) {
    const params = authorizationUrl.searchParams;
    const request = {
      endpoint: safeUrl(`${authorizationUrl.origin}${authorizationUrl.pathname}`),
      responseType: params.get('response_type'),
      codeChallengeMethod: params.get('code_challenge_method'),
      hasCodeChallenge: Boolean(params.get('code_challenge')),
      scope: params.get('scope'),
      resource: params.get('resource'),
      hasState: Boolean(params.get('state')),
    };
    this.authorizationRequests.push(request);
    step('provider redirectToAuthorization', `${request.endpoint} scope="${request.scope}" resource=${request.resource}`);
    // MCPAUTH_E2E_USER_AGENT=chromium: a real browser instead of the fetch-driven one
    const userAgent = process.env.MCPAUTH_E2E_USER_AGENT === 'chromium'
      ? (await import('./chromium-login.mjs')).chromiumLoginAndApprove
      : loginAndApprove;
    const { params: answer, report } = await userAgent({
      authorizationUrl, username: this._username, password: this._password, redirectUri: this._redirectUri,
      decision: process.env.MCPAUTH_E2E_DECISION || 'approve',
    });
    this.formReport = report;
    const issuer = this._discovery?.authorizationServerMetadata?.issuer;
    this.authorizationResponse = {
      hasCode: Boolean(answer.get('code')),
      stateMatches: answer.get('state') === params.get('state'),
      iss: answer.get('iss'),
      issMatches: issuer !== undefined && answer.get('iss') === issuer,
      error: answer.get('error'),
    };
    if (answer.get('error')) {
      // RFC 9207: the iss parameter comes with error responses too
      throw new Error(`authorization error: ${answer.get('error')} (iss ${this.authorizationResponse.issMatches ? 'ok' : 'MISSING OR WRONG'}, code ${answer.has('code') ? 'PRESENT' : 'absent'}) ${answer.get('error_description') ?? ''}`);
    }
    if (!this.authorizationResponse.stateMatches) throw new Error('the state in the authorization response differs from the request');
    if (!this.authorizationResponse.issMatches) {
      throw new Error(`the iss in the authorization response (${answer.get('iss')}) is not the issuer of the metadata (${issuer})`);
    }
    this.authorizationCode = secret(answer.get('code'));
    step('provider authorization response', 'code received, state and iss checked');
  }
}
