import { startTestServer } from '@qonduit/testing';
import type { TestServer, TestUser } from '@qonduit/testing';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, DIST_DIR, ensureBuilt, hasChromium, keepForReadme, launchBrowser, newContext, screenshot } from './web-ui.harness';

// Expiry notices as a person meets them without e-mail: a banner on the tokens page, the token
// list marking the tokens, and a delivery that keeps failing said in words.

const ci = process.env.CI === 'true' || process.env.CI === '1';

/** A port nothing listens on: the mail server is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.skipIf(!hasChromium && !ci)('token expiry notices in the web UI (Chromium)', () => {
  let server: TestServer;
  let browser: Browser;
  let ada: TestUser;
  let orgId = '';
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`CI=true and ${CHROMIUM_PATH} is missing: .ci/run must install Debian's chromium (apt-get install -y chromium)`);
    await ensureBuilt();
    server = await startTestServer({
      env: {
        QONDUIT_WEB_DIR: DIST_DIR,
        QONDUIT_SWEEP_INTERVAL_MS: '1000',
        QONDUIT_SMTP_URL: `smtp://127.0.0.1:${await closedPort()}`,
        QONDUIT_SMTP_FROM: 'Qonduit <noreply@example.com>',
      },
    });
    browser = await launchBrowser();
    ada = await server.signUp({ name: 'Ada Lovelace', email: 'ada-notices@example.com' });
    await ada.createToken({ name: 'laptop', expiresInDays: 90 });
    await ada.createToken({ name: 'ci-deploy', expiresInDays: 7 });
    await ada.createToken({ name: 'nightly-benchmarks', expiresInDays: 30 });
    // An organization whose IonQ token failed its last check.
    orgId = (await ada.session.orgs.create({ name: 'Notice Lab' })).id;
    await ada.session.providerTokens.set('ionq', { api_key: 'NoticeLabIonQKey0123456789abcdef' }, { org: orgId });
    await server.database.db.updateTable('provider_tokens').set({ status: 'invalid', checked_at: new Date().toISOString() }).where('account_id', '=', orgId).execute();
    // The scheduler's first passes, and a first failed attempt to mail each notice.
    const deadline = Date.now() + 15_000;
    for (;;) {
      const { items } = await ada.session.notices.list();
      const org = await ada.session.notices.listForOrg(orgId);
      if (items.length === 2 && items.every((n) => n.deliveries.some((d) => d.attempts > 0)) && org.items.length === 1) break;
      if (Date.now() > deadline) throw new Error(`notices not ready: ${JSON.stringify(items)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
  });

  async function signedIn(): Promise<Page> {
    const context = await newContext(browser, server.url, 'desktop');
    contexts.push(context);
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByLabel('Email').fill(ada.email);
    await page.getByLabel('Password').fill(ada.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Jobs' }).waitFor();
    return page;
  }

  it('shows a banner naming the expiring tokens and the failing e-mail delivery, and marks them in the list', async () => {
    const page = await signedIn();
    await page.goto('/settings/tokens');
    const banner = page.getByRole('region', { name: '2 tokens need your attention' });
    await banner.waitFor();
    await banner.getByText(/Your Qonduit token "ci-deploy" \(qdp_….{4}\) expires in 7 days\./).waitFor();
    await banner.getByText(/Your Qonduit token "nightly-benchmarks" \(qdp_….{4}\) expires in 30 days\./).waitFor();
    expect(await banner.getByText(/E-mail delivery is being retried \(1 attempt so far\)/).count()).toBe(2);
    await page.getByRole('row', { name: /nightly-benchmarks/ }).getByText('Expiring').waitFor();
    await page.getByRole('row', { name: /ci-deploy/ }).getByText('Expires soon').waitFor();
    expect(await page.getByRole('row', { name: /laptop/ }).getByText(/Expir/).count()).toBe(0);
    const file = await screenshot(page, 'token-expiry-banner', 'window');
    keepForReadme(file);
  }, 60_000);

  it("shows an organization's failed provider token to its owner on the organization's settings page", async () => {
    const page = await signedIn();
    await page.goto(`/orgs/${orgId}/settings`);
    const banner = page.getByRole('region', { name: '1 token needs your attention' });
    await banner.getByText(/The organization's IonQ token .*failed its last check/).waitFor();
  }, 60_000);

  it('sets a notice webhook: a plain-http URL is refused in words, an https one shows its signing secret once', async () => {
    const page = await signedIn();
    await page.goto('/settings/tokens');
    const form = page.getByRole('form', { name: 'Notice webhook' });
    await form.getByLabel('Webhook URL').fill('http://hooks.example.com/qonduit');
    await form.getByRole('button', { name: 'Save webhook' }).click();
    await form.getByText(/must use https/i).waitFor();
    await form.getByLabel('Webhook URL').fill('https://hooks.example.com/qonduit');
    await form.getByRole('button', { name: 'Save webhook' }).click();
    const secret = await page.getByLabel('Signing secret (shown only now)').inputValue();
    expect(secret).toMatch(/^qdw_/);
    await page.reload();
    await page.getByText(`qdw_…${secret.slice(-4)}`, { exact: true }).waitFor();
    expect(await page.content()).not.toContain(secret);
  }, 60_000);

  it('creates a calendar feed whose URL is shown once and answers text/calendar', async () => {
    const page = await signedIn();
    await page.goto('/settings/tokens');
    await page.getByRole('button', { name: 'Create feed URL' }).click();
    const url = await page.getByLabel('Feed URL (shown only now)').inputValue();
    expect(url).toMatch(/\/api\/v1\/feeds\/token-expiries\.ics\?feed_token=qdc_/);
    const feed = await fetch(`${server.url}${new URL(url).pathname}${new URL(url).search}`);
    expect(feed.headers.get('content-type')).toMatch(/^text\/calendar/);
    expect(await feed.text()).toContain('ci-deploy');
    await page.reload();
    await page.getByRole('button', { name: 'Reset feed URL' }).waitFor();
    expect(await page.content()).not.toContain(new URL(url).searchParams.get('feed_token') ?? 'never');
  }, 60_000);
});
