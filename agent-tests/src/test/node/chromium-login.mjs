// The user agent of a sign-in, as a person's browser: headless Debian Chromium driven by
// playwright-core. It opens the authorization URL, types the username and password into whatever
// login page it lands on (the authorization server's own, or an upstream identity provider's, such
// as Keycloak's), submits, and clicks the decision button of the authorization server's consent
// page. The redirect to the client's redirect URI is caught before it leaves the browser: its query
// is the authorization response. The same contract as lib.mjs's loginAndApprove (fetch-driven).

import { bodyText, launchChromium } from './chromium.mjs';
import { safeUrl, secret, step, withTimeout } from './lib.mjs';

export async function chromiumLoginAndApprove({ authorizationUrl, username, password, redirectUri, decision = 'approve' }) {
  const report = { client: 'chromium' };
  const browser = await launchChromium();
  try {
    const { context, page } = browser;
    report.browserVersion = browser.version;
    let deliver;
    const answered = new Promise((resolve) => {
      deliver = resolve;
    });
    await context.route((url) => url.toString().startsWith(redirectUri), (route) => {
      const url = new URL(route.request().url());
      if (url.searchParams.get('code')) secret(url.searchParams.get('code'));
      step('redirect to the client', `with ${[...new Set(url.searchParams.keys())].join(',')}`);
      deliver(url.searchParams);
      return route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>client</title><p>received</p>' });
    });

    // 1. the login page, wherever the authorization server sent the browser
    const loginResponse = await page.goto(authorizationUrl.toString(), { waitUntil: 'load' });
    report.loginPage = { status: loginResponse?.status() ?? null, origin: new URL(page.url()).origin, title: await page.title() };
    step('login page', `${loginResponse?.status()} ${safeUrl(page.url())}`);
    const passwordField = page.locator('input[type="password"]');
    if ((await passwordField.count()) !== 1) {
      throw new Error(`the login page has ${await passwordField.count()} password fields ("${await page.title()}": ${await bodyText(page)})`);
    }
    const form = page.locator('form', { has: passwordField });
    await form.locator('input[name="username"]').fill(username);
    await passwordField.fill(password);
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      form.locator('button[type="submit"], input[type="submit"], button:not([type])').first().click(),
    ]);

    // 2. the authorization server's consent page
    step('consent page', safeUrl(page.url()));
    const button = page.locator(`button[name="decision"][value="${decision}"]`);
    if ((await button.count()) !== 1) {
      throw new Error(`no ${decision} button after the login ("${await page.title()}": ${await bodyText(page)})`);
    }
    report.consentPage = { origin: new URL(page.url()).origin, title: await page.title() };
    await button.click();

    // 3. the redirect to the client
    const params = await withTimeout(answered, 20000, 'the redirect to the client');
    report.redirectParams = [...new Set(params.keys())];
    return { params, report };
  } finally {
    await browser.close().catch(() => {});
  }
}
