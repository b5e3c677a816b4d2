import { startTestServer } from '@qonduit/testing';
import type { TestServer } from '@qonduit/testing';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, VIEWPORTS, hasChromium, launchBrowser, newContext, screenshot } from './web-ui.harness';

// The API reference at /docs (Scalar, served by the server itself) as a phone shows it. It needs
// no built web UI (web-ui.test.ts follows the user menu's link to it): the page and its script
// come from the server's own routes.

const ci = process.env.CI === 'true' || process.env.CI === '1';

describe.skipIf(!hasChromium && !ci)('the API reference page (Chromium)', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`CI=true and ${CHROMIUM_PATH} is missing: .ci/run must install Debian's chromium (apt-get install -y chromium)`);
    server = await startTestServer({ env: { QONDUIT_WEB_DIR: '/nonexistent-web-dir' } });
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
  });

  it('renders at 390 px wide without sideways scrolling, as the Qonduit API reference, from this server alone', async () => {
    context = await newContext(browser, server.url, 'phone');
    const page = await context.newPage();
    const elsewhere: string[] = [];
    const refused: string[] = [];
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(server.url) && !url.startsWith('data:') && !url.startsWith('blob:')) elsewhere.push(url);
    });
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) refused.push(message.text());
    });

    await page.goto('/docs');
    expect(await page.title()).toBe('Qonduit API reference');
    // Scalar has rendered the document: its title and the introduction are on the page.
    await page.getByRole('heading', { name: 'Qonduit API', exact: true }).first().waitFor({ timeout: 45_000 });
    await page.getByRole('heading', { name: 'Authentication', exact: true }).first().waitFor();

    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(VIEWPORTS.phone.width);
    expect(elsewhere).toEqual([]);
    expect(refused).toEqual([]);
    await screenshot(page, 'docs-phone', 'window');
  }, 90_000);
});
