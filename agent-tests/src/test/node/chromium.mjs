// The headless Chromium that the browser scripts drive (browser-oauth.mjs, chromium-login.mjs):
// $MCPAUTH_E2E_CHROMIUM, else Debian's /usr/bin/chromium, through playwright-core, in a fresh
// profile, with the flags this machine needs: no sandbox as root, and no background connections out.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.MCPAUTH_E2E_CHROMIUM || '/usr/bin/chromium';

/**
 * Starts Chromium in a new temporary profile. Returns its context, its first page (20 s default
 * timeout), its version, and close(), which closes the browser and removes the profile (a second
 * call does nothing).
 */
export async function launchChromium() {
  const profile = mkdtempSync(join(tmpdir(), 'mcpauth-chromium-'));
  let context;
  let page;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1000, height: 760 },
      timeout: 30000,
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(20000);
  } catch (e) {
    if (context) await context.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
  let closed = false;
  return {
    context,
    page,
    version: context.browser()?.version() ?? null,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await context.close();
      } finally {
        rmSync(profile, { recursive: true, force: true });
      }
    },
  };
}

/** The page's visible text, white space folded, at most 300 characters (for an error message). */
export async function bodyText(page) {
  return (await page.locator('body').innerText().catch(() => '')).replace(/\s+/g, ' ').slice(0, 300);
}
