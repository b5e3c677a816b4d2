import { startTestServer } from '@qonduit/testing';
import type { TestServer, TestUser } from '@qonduit/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, DIST_DIR, ensureBuilt, hasChromium, launchBrowser, newContext, overflowsHorizontally, screenshot } from './web-ui.harness';

// The audit log as a person reads it: who did what, by name and by token name, filtered.

const ci = process.env.CI === 'true' || process.env.CI === '1';

describe.skipIf(!hasChromium && !ci)('the audit log in the web UI (Chromium)', () => {
  let server: TestServer;
  let browser: Browser;
  let ada: TestUser;
  let grace: TestUser;
  let orgId = '';
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`CI=true and ${CHROMIUM_PATH} is missing: .ci/run must install Debian's chromium (apt-get install -y chromium)`);
    await ensureBuilt();
    server = await startTestServer({ env: { QONDUIT_WEB_DIR: DIST_DIR } });
    browser = await launchBrowser();
    ada = await server.signUp({ name: 'Ada Lovelace', email: 'ada-audit@example.com' });
    grace = await server.signUp({ name: 'Grace Hopper', email: 'grace-audit@example.com' });
    // Ada works from her laptop's token; Grace is seeded a member (joining is not what this is about).
    const laptop = server.client({ token: (await ada.createToken({ name: 'laptop' })).token });
    orgId = (await laptop.orgs.create({ name: 'Audit Lab' })).id;
    await server.database.db.insertInto('memberships').values({ organization_id: orgId, user_id: grace.id, role: 'viewer', added_at: new Date().toISOString() }).execute();
    await laptop.orgs.rename(orgId, 'Audit Labs');
    await laptop.orgs.members.setRole(orgId, grace.id, 'maintainer');
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
  });

  async function signedIn(viewport: 'desktop' | 'phone' = 'desktop'): Promise<Page> {
    const context = await newContext(browser, server.url, viewport);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByLabel('Email').fill(ada.email);
    await page.getByLabel('Password').fill(ada.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Jobs' }).waitFor();
    return page;
  }

  it("shows who acted as a person and the token by its name, and filters by kind of event and by person", async () => {
    const page = await signedIn();
    await page.goto(`/orgs/${orgId}/audit-log`);
    await page.getByRole('heading', { level: 1, name: 'Audit Labs audit log' }).waitFor();
    const rows = page.getByRole('table', { name: 'Audit events' }).locator('tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(3);
    const roleChange = page.getByRole('row', { name: /Changed role of “Grace Hopper”/ });
    await roleChange.getByText('Ada Lovelace via token “laptop”').waitFor();
    await roleChange.getByText('viewer → maintainer').waitFor();
    await page.getByRole('row', { name: /Renamed organization “Audit Labs”/ }).getByText('from “Audit Lab” to “Audit Labs”').waitFor();
    expect(await page.content()).not.toMatch(/token [0-9a-f]{8}/);
    await screenshot(page, 'org-audit-log-filters-desktop');

    const filters = page.getByRole('form', { name: 'Filter events' });
    await filters.getByLabel('Kind of event').selectOption({ label: 'Members and roles' });
    await page.waitForFunction(() => document.querySelectorAll('table tbody tr').length === 1);
    await page.getByRole('row', { name: /Changed role of/ }).waitFor();

    await filters.getByLabel('Person').selectOption({ label: 'Grace Hopper' });
    await page.getByText('No events match these filters.').waitFor();
    await filters.getByRole('button', { name: 'Clear filters' }).click();
    await page.waitForFunction(() => document.querySelectorAll('table tbody tr').length === 3);

    await filters.getByLabel('To').fill('2020-01-01');
    await page.getByText('No events match these filters.').waitFor();
  }, 60_000);

  it("the personal log shows the sign-in by name, and its filters fit a phone's screen", async () => {
    const page = await signedIn('phone');
    await page.goto('/settings/audit-log');
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    // A web session: the person, and no token.
    await page.getByRole('row', { name: /Signed in .*Ada Lovelace from 127\.0\.0\.1/ }).first().waitFor();
    expect(await page.getByRole('row', { name: /Signed in/ }).first().textContent()).not.toContain('via token');
    await page.getByRole('form', { name: 'Filter events' }).getByLabel('Kind of event').selectOption({ label: 'Personal access tokens' });
    await page.getByRole('row', { name: /Created personal access token “laptop”/ }).waitFor();
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'audit-log-filters-phone');
  }, 60_000);
});
